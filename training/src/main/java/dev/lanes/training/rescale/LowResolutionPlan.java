package dev.lanes.training.rescale;

import dev.lanes.nn.arch.AdaptiveAvgPoolSpec;
import dev.lanes.nn.arch.AvgPoolSpec;
import dev.lanes.nn.arch.BatchNormSpec;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.DropoutSpec;
import dev.lanes.nn.arch.FlattenSpec;
import dev.lanes.nn.arch.GlobalAvgPoolSpec;
import dev.lanes.nn.arch.IdentitySpec;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.LinearSpec;
import dev.lanes.nn.arch.MaxPoolSpec;
import dev.lanes.nn.arch.ReluSpec;
import dev.lanes.nn.arch.ResidualSpec;
import dev.lanes.nn.arch.SequenceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The low-resolution twin of a network for kernel rescaling at scale 1/s: images of round(H/s) × round(W/s)
 * pixels, and every conv whose kernel is larger than 1 on an axis gets max(1, round(k/s)) taps there (5→3,
 * 6→3, 7→4, 3→2); channels, strides and pooling stay.
 *
 * <p>Padding is chosen so that every feature map is as close as possible to 1/s of its full-resolution size
 * (an even kernel cannot keep a size with symmetric padding, so a lone 2×2 conv is off by one pixel, ties
 * going to the larger map). Inside a residual block the paddings of the main path's convs are chosen together
 * so that the main path's output matches the shortcut's exactly (e.g. 2×2 convs padded 1 then 0); a block
 * where no choice matches is refused, naming it. The net must end in global or adaptive pooling before its
 * classifier, so the head sees the same features at both resolutions; a Flatten that would see a different
 * size is refused.
 */
public final class LowResolutionPlan {
    /** The low-resolution spec, its input size, and the convs whose kernels were shrunk (path → full spec). */
    public record Plan(LayerSpec spec, int inputHeight, int inputWidth, Map<String, ConvSpec> rescaled) {}

    private final int scale;

    private LowResolutionPlan(int scale) { this.scale = scale; }

    public static Plan of(LayerSpec full, int height, int width, int scale) {
        if (scale < 1) throw new IllegalArgumentException("rescale scale must be >= 1 but was " + scale);
        LowResolutionPlan p = new LowResolutionPlan(scale);
        int lh = p.target(height), lw = p.target(width);
        Map<String, ConvSpec> rescaled = new LinkedHashMap<>();
        Mapped m = p.map(full, "", new Sizes(lh, lw, height, width, true), null, rescaled);
        return new Plan(m.spec, lh, lw, rescaled);
    }

    /** The low-resolution kernel size for a full one. */
    public static int lowKernel(int k, int scale) {
        return Math.max(1, (int) Math.round((double) k / scale));
    }

    private int target(int full) { return Math.max(1, (int) Math.round((double) full / scale)); }

    private record Sizes(int lowH, int lowW, int fullH, int fullW, boolean spatial) {}

    private record Mapped(LayerSpec spec, Sizes out, long cost) {}

    /** Paddings fixed by an enclosing residual's search: path → {padH, padW}. */
    private Mapped map(LayerSpec spec, String path, Sizes in, Map<String, int[]> fixed, Map<String, ConvSpec> rescaled) {
        return switch (spec) {
            case ConvSpec c -> conv(c, path, in, fixed, rescaled);
            case MaxPoolSpec p -> new Mapped(p, pooled(in, p.kernel(), p.stride(), p.padding(), path), 0);
            case AvgPoolSpec p -> new Mapped(p, pooled(in, p.kernel(), p.stride(), p.padding(), path), 0);
            case AdaptiveAvgPoolSpec a -> new Mapped(a, new Sizes(a.outH(), a.outW(), a.outH(), a.outW(), true), 0);
            case GlobalAvgPoolSpec g -> new Mapped(g, new Sizes(1, 1, 1, 1, false), 0);
            case FlattenSpec f -> {
                if (in.spatial && (in.lowH != in.fullH || in.lowW != in.fullW))
                    throw new IllegalArgumentException("rescale: " + name(path) + " flattens " + in.lowH + "x" + in.lowW + " maps at low resolution but "
                            + in.fullH + "x" + in.fullW + " at full; put a global or adaptive average pool before it");
                yield new Mapped(f, new Sizes(1, 1, 1, 1, false), 0);
            }
            case BatchNormSpec b -> new Mapped(b, in, 0);
            case ReluSpec r -> new Mapped(r, in, 0);
            case DropoutSpec d -> new Mapped(d, in, 0);
            case IdentitySpec i -> new Mapped(i, in, 0);
            case LinearSpec l -> new Mapped(l, new Sizes(1, 1, 1, 1, false), 0);
            case SequenceSpec s -> {
                List<SequenceSpec.Child> kids = new ArrayList<>();
                Sizes cur = in;
                long cost = 0;
                for (SequenceSpec.Child c : s.children()) {
                    Mapped m = map(c.spec(), join(path, c.name()), cur, fixed, rescaled);
                    kids.add(new SequenceSpec.Child(c.name(), m.spec));
                    cur = m.out;
                    cost += m.cost;
                }
                yield new Mapped(new SequenceSpec(kids), cur, cost);
            }
            case ResidualSpec r -> residual(r, path, in, fixed, rescaled);
        };
    }

    private Mapped conv(ConvSpec c, String path, Sizes in, Map<String, int[]> fixed, Map<String, ConvSpec> rescaled) {
        int kh = c.kernelH() > 1 ? lowKernel(c.kernelH(), scale) : 1;
        int kw = c.kernelW() > 1 ? lowKernel(c.kernelW(), scale) : 1;
        int fullOutH = out(in.fullH, c.kernelH(), c.strideH(), c.padH()), fullOutW = out(in.fullW, c.kernelW(), c.strideW(), c.padW());
        int tH = target(fullOutH), tW = target(fullOutW);
        int ph, pw;
        int[] given = fixed == null ? null : fixed.get(path);
        if (kh == c.kernelH() && kw == c.kernelW()) {
            ph = c.padH();
            pw = c.padW();
        } else if (given != null) {
            ph = given[0];
            pw = given[1];
        } else {
            ph = closestPad(in.lowH, kh, c.strideH(), tH);
            pw = closestPad(in.lowW, kw, c.strideW(), tW);
        }
        if (in.lowH + 2 * ph < kh || in.lowW + 2 * pw < kw)
            throw new IllegalArgumentException("rescale: " + name(path) + " gets " + in.lowH + "x" + in.lowW + " maps at 1/" + scale
                    + " resolution, smaller than its " + kh + "x" + kw + " kernel; use a smaller scale");
        ConvSpec low = c.withKernel(kh, kw, ph, pw);
        if (!low.equals(c)) rescaled.put(path, c);
        int oh = out(in.lowH, kh, c.strideH(), ph), ow = out(in.lowW, kw, c.strideW(), pw);
        long cost = low.equals(c) ? 0 : Math.abs(oh - tH) + Math.abs(ow - tW);
        return new Mapped(low, new Sizes(oh, ow, fullOutH, fullOutW, true), cost);
    }

    /** The padding in 0..k-1 whose output is closest to the target size, ties to the larger output. */
    private static int closestPad(int in, int k, int stride, int target) {
        int best = 0, bestDistance = Math.abs(out(in, k, stride, 0) - target);
        for (int p = 1; p < k; p++) {
            int d = Math.abs(out(in, k, stride, p) - target);
            if (d <= bestDistance) {
                best = p;
                bestDistance = d;
            }
        }
        return best;
    }

    private Mapped residual(ResidualSpec r, String path, Sizes in, Map<String, int[]> fixed, Map<String, ConvSpec> rescaled) {
        Mapped shortcut = r.hasShortcut() ? map(r.shortcut(), join(path, "shortcut"), in, fixed, rescaled) : null;
        Sizes want = shortcut != null ? shortcut.out : in;
        String mainPath = join(path, "main");
        List<String> convs = new ArrayList<>();
        List<int[]> kernels = new ArrayList<>();
        collectRescalable(r.main(), mainPath, convs, kernels);
        // search the paddings of the main path's rescaled convs together: small (k' ≤ 4 per axis, 2-3 convs)
        int combos = 1;
        for (int[] k : kernels) combos = Math.multiplyExact(combos, k[0] * k[1]);
        if (combos > 1 << 16) throw new IllegalArgumentException("rescale: " + name(path) + " has too many rescaled convs to align its residual join");
        Mapped best = null;
        Map<String, ConvSpec> bestRescaled = null;
        for (int combo = 0; combo < combos; combo++) {
            Map<String, int[]> choice = fixed == null ? new LinkedHashMap<>() : new LinkedHashMap<>(fixed);
            int rest = combo;
            for (int i = 0; i < convs.size(); i++) {
                int kh = kernels.get(i)[0], kw = kernels.get(i)[1];
                int pick = rest % (kh * kw);
                rest /= kh * kw;
                choice.put(convs.get(i), new int[] {pick / kw, pick % kw});
            }
            Map<String, ConvSpec> r2 = new LinkedHashMap<>();
            Mapped m;
            try {
                m = map(r.main(), mainPath, in, choice, r2);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (m.out.lowH != want.lowH || m.out.lowW != want.lowW) continue;
            if (best == null || m.cost < best.cost) {
                best = m;
                bestRescaled = r2;
            }
        }
        if (best == null)
            throw new IllegalArgumentException("rescale: no padding of " + name(mainPath) + "'s convs at 1/" + scale + " resolution matches its shortcut's "
                    + want.lowH + "x" + want.lowW + " output; keep that block at full kernel size");
        rescaled.putAll(bestRescaled);
        long cost = best.cost + (shortcut != null ? shortcut.cost : 0);
        return new Mapped(new ResidualSpec(best.spec, shortcut != null ? shortcut.spec : null, r.postRelu(), r.bypassed()), want, cost);
    }

    private void collectRescalable(LayerSpec spec, String path, List<String> paths, List<int[]> kernels) {
        switch (spec) {
            case ConvSpec c -> {
                int kh = c.kernelH() > 1 ? lowKernel(c.kernelH(), scale) : 1, kw = c.kernelW() > 1 ? lowKernel(c.kernelW(), scale) : 1;
                if (kh != c.kernelH() || kw != c.kernelW()) {
                    paths.add(path);
                    kernels.add(new int[] {kh, kw});
                }
            }
            case SequenceSpec s -> {
                for (SequenceSpec.Child c : s.children()) collectRescalable(c.spec(), join(path, c.name()), paths, kernels);
            }
            default -> { } // nested residual blocks align themselves
        }
    }

    private Sizes pooled(Sizes in, int k, int stride, int pad, String path) {
        if (in.lowH + 2 * pad < k || in.lowW + 2 * pad < k)
            throw new IllegalArgumentException("rescale: " + name(path) + " gets " + in.lowH + "x" + in.lowW + " maps at 1/" + scale
                    + " resolution, smaller than its " + k + "x" + k + " window; use a smaller scale");
        return new Sizes(out(in.lowH, k, stride, pad), out(in.lowW, k, stride, pad), out(in.fullH, k, stride, pad), out(in.fullW, k, stride, pad), true);
    }

    private static int out(int in, int k, int stride, int pad) { return (in + 2 * pad - k) / stride + 1; }

    private static String join(String path, String name) { return path.isEmpty() ? name : path + "." + name; }

    private static String name(String path) { return path.isEmpty() ? "the model" : "'" + path + "'"; }
}
