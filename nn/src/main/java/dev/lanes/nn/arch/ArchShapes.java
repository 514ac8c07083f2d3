package dev.lanes.nn.arch;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shapes read from a spec alone, by the same rules the layers apply: output shapes for an input shape (NCHW
 * images, [N, F] features) and the shape of every parameter and buffer under the path the built module gives it.
 * <pre>
 * conv      [N, in, H, W] → [N, out, (H + 2·padH − kH) / strideH + 1, (W + 2·padW − kW) / strideW + 1]
 * max/avg   [N, C, H, W] → [N, C, (H + 2p − k) / s + 1, ...], padding at most half the window
 * adaptive  [N, C, H, W] → [N, C, outH, outW]        global  [N, C, H, W] → [N, C]
 * flatten   [N, d1, d2, ...] → [N, d1·d2·...]          linear  [N, in] → [N, out]
 * batch norm [N, C, H, W] unchanged; relu, dropout, identity: any shape unchanged
 * residual  main(x) and shortcut(x) (x itself when the shortcut is the identity) must have the same shape;
 *           a bypassed block is checked the same way, since its main path is kept to be restored
 * </pre>
 * Errors are IllegalArgumentExceptions naming the layer's path and both the input shape and what was expected.
 */
public final class ArchShapes {
    private ArchShapes() {}

    /** The output shape of {@code spec} for {@code inputShape}. */
    public static int[] outputShape(LayerSpec spec, int[] inputShape) {
        checkInput(inputShape);
        return outputShape(spec, inputShape.clone(), "");
    }

    static void checkInput(int[] s) {
        if (s == null || s.length == 0) throw new IllegalArgumentException("input shape must have at least one dimension, got " + Arrays.toString(s));
        for (int d : s) if (d < 1) throw new IllegalArgumentException("input shape " + Arrays.toString(s) + " has a dimension < 1");
    }

    /** The output shape of one spec at {@code path} (used by ChannelFlow to walk with its own bookkeeping). */
    static int[] outputShape(LayerSpec spec, int[] s, String path) {
        return switch (spec) {
            case ConvSpec c -> {
                if (s.length != 4 || s[1] != c.in())
                    throw error(path, spec, s, "[N, " + c.in() + ", H, W]");
                if (s[2] + 2 * c.padH() < c.kernelH() || s[3] + 2 * c.padW() < c.kernelW())
                    throw error(path, spec, s, "H of at least " + (c.kernelH() - 2 * c.padH()) + " and W of at least " + (c.kernelW() - 2 * c.padW()));
                yield new int[]{s[0], c.out(), (s[2] + 2 * c.padH() - c.kernelH()) / c.strideH() + 1,
                        (s[3] + 2 * c.padW() - c.kernelW()) / c.strideW() + 1};
            }
            case BatchNormSpec b -> {
                if (s.length != 4 || s[1] != b.channels()) throw error(path, spec, s, "[N, " + b.channels() + ", H, W]");
                yield s;
            }
            case MaxPoolSpec p -> pool(path, spec, s, p.kernel(), p.stride(), p.padding());
            case AvgPoolSpec p -> pool(path, spec, s, p.kernel(), p.stride(), p.padding());
            case AdaptiveAvgPoolSpec a -> {
                if (s.length != 4) throw error(path, spec, s, "[N, C, H, W]");
                yield new int[]{s[0], s[1], a.outH(), a.outW()};
            }
            case GlobalAvgPoolSpec g -> {
                if (s.length != 4) throw error(path, spec, s, "[N, C, H, W]");
                yield new int[]{s[0], s[1]};
            }
            case FlattenSpec f -> {
                if (s.length < 2) throw error(path, spec, s, "[N, ...] with at least 2 dimensions");
                long features = 1;
                for (int i = 1; i < s.length; i++) features *= s[i];
                if (features > Integer.MAX_VALUE) throw error(path, spec, s, "at most " + Integer.MAX_VALUE + " features");
                yield new int[]{s[0], (int) features};
            }
            case LinearSpec l -> {
                if (s.length != 2 || s[1] != l.in()) throw error(path, spec, s, "[N, " + l.in() + "] (a Flatten goes before it for images)");
                yield new int[]{s[0], l.out()};
            }
            case DropoutSpec d -> s;
            case ReluSpec r -> s;
            case IdentitySpec i -> s;
            case SequenceSpec q -> {
                int[] x = s;
                for (SequenceSpec.Child c : q.children()) x = outputShape(c.spec(), x, child(path, c.name()));
                yield x;
            }
            case ResidualSpec r -> {
                int[] main = outputShape(r.main(), s, child(path, "main"));
                int[] shortcut = r.shortcut() == null ? s : outputShape(r.shortcut(), s, child(path, "shortcut"));
                requireSameShape(path, r, s, main, shortcut);
                yield main;
            }
        };
    }

    /** The outputs of a residual's main path and shortcut must have the same shape to be added. */
    static void requireSameShape(String path, ResidualSpec r, int[] in, int[] main, int[] shortcut) {
        if (!Arrays.equals(main, shortcut))
            throw new IllegalArgumentException(where(path) + " (residual): for input " + Arrays.toString(in) + " the main path gives "
                    + Arrays.toString(main) + " but the " + (r.shortcut() == null ? "identity shortcut" : "shortcut") + " gives "
                    + Arrays.toString(shortcut) + "; they must be equal to be added");
    }

    private static int[] pool(String path, LayerSpec spec, int[] s, int k, int stride, int pad) {
        if (2 * pad > k) throw error(path, spec, s, "padding of at most half the window");
        if (s.length != 4) throw error(path, spec, s, "[N, C, H, W]");
        if (s[2] + 2 * pad < k || s[3] + 2 * pad < k) throw error(path, spec, s, "H and W of at least " + (k - 2 * pad));
        return new int[]{s[0], s[1], (s[2] + 2 * pad - k) / stride + 1, (s[3] + 2 * pad - k) / stride + 1};
    }

    /** Every trainable parameter's shape by path, in forward order (conv and linear weight then bias, batch norm weight then bias). */
    public static Map<String, int[]> parameterShapes(LayerSpec spec) {
        Map<String, int[]> out = new LinkedHashMap<>();
        collect(spec, "", out, false);
        return out;
    }

    /** Every buffer's shape by path, in forward order (batch norm running_mean then running_var). */
    public static Map<String, int[]> bufferShapes(LayerSpec spec) {
        Map<String, int[]> out = new LinkedHashMap<>();
        collect(spec, "", out, true);
        return out;
    }

    private static void collect(LayerSpec spec, String path, Map<String, int[]> out, boolean buffers) {
        switch (spec) {
            case ConvSpec c -> {
                if (buffers) return;
                out.put(child(path, "weight"), new int[]{c.out(), c.in() / c.groups(), c.kernelH(), c.kernelW()});
                if (c.bias()) out.put(child(path, "bias"), new int[]{c.out()});
            }
            case LinearSpec l -> {
                if (buffers) return;
                out.put(child(path, "weight"), new int[]{l.out(), l.in()});
                if (l.bias()) out.put(child(path, "bias"), new int[]{l.out()});
            }
            case BatchNormSpec b -> {
                out.put(child(path, buffers ? "running_mean" : "weight"), new int[]{b.channels()});
                out.put(child(path, buffers ? "running_var" : "bias"), new int[]{b.channels()});
            }
            case SequenceSpec q -> {
                for (SequenceSpec.Child c : q.children()) collect(c.spec(), child(path, c.name()), out, buffers);
            }
            case ResidualSpec r -> {
                collect(r.main(), child(path, "main"), out, buffers);
                if (r.shortcut() != null) collect(r.shortcut(), child(path, "shortcut"), out, buffers);
            }
            default -> {}
        }
    }

    /** {@code parent.name}, or {@code name} at the top. */
    static String child(String path, String name) { return path.isEmpty() ? name : path + "." + name; }

    /** A path for messages: the top-level spec has the empty path. */
    static String where(String path) { return path.isEmpty() ? "(top)" : path; }

    /** A short description of a leaf spec for messages, e.g. "conv 6→16 5x5 stride 1x1 pad 0x0". */
    static String describe(LayerSpec spec) {
        return switch (spec) {
            case ConvSpec c -> "conv " + c.in() + "→" + c.out() + " " + c.kernelH() + "x" + c.kernelW() + " stride " + c.strideH() + "x"
                    + c.strideW() + " pad " + c.padH() + "x" + c.padW() + (c.groups() == 1 ? "" : " groups " + c.groups());
            case BatchNormSpec b -> "batch norm " + b.channels();
            case MaxPoolSpec p -> "max pool " + p.kernel() + "x" + p.kernel() + " stride " + p.stride() + " pad " + p.padding();
            case AvgPoolSpec p -> "avg pool " + p.kernel() + "x" + p.kernel() + " stride " + p.stride() + " pad " + p.padding();
            case AdaptiveAvgPoolSpec a -> "adaptive avg pool to " + a.outH() + "x" + a.outW();
            case LinearSpec l -> "linear " + l.in() + "→" + l.out();
            default -> SpecJson.typeName(spec).replace('_', ' ');
        };
    }

    private static IllegalArgumentException error(String path, LayerSpec spec, int[] s, String expected) {
        return new IllegalArgumentException(where(path) + " (" + describe(spec) + "): input " + Arrays.toString(s) + " does not fit, expected " + expected);
    }
}
