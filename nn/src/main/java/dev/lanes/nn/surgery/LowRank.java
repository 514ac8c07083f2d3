package dev.lanes.nn.surgery;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.ArchShapes;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.LinearSpec;
import dev.lanes.nn.arch.ResidualSpec;
import dev.lanes.nn.arch.SequenceSpec;
import dev.lanes.nn.arch.WeightFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Low-rank factorisation by truncated SVD. A conv {@code kH×kW, C→K} becomes a sequence of a {@code kH×kW, C→r}
 * conv (no bias, the same stride and padding) and a {@code 1×1, r→K} conv (the original bias); a linear layer
 * {@code in→out} becomes {@code in→r} then {@code r→out}. With the weight as a K × C·kH·kW matrix
 * W = U Σ Vᵀ, the first layer gets √Σ_r V_rᵀ and the second U_r √Σ_r, so their product is the best rank-r
 * approximation of W and its Frobenius error is √(Σ discarded σ²); at full rank the outputs are kept up to
 * rounding. The factorised layer's parameters live under {@code path.0} and {@code path.1}.
 */
public final class LowRank {
    private LowRank() {}

    /**
     * Every float conv and linear layer the model runs for {@code inputShape}, in model order, with the singular
     * values of its weight. A bypassed residual's main path is left out: it does not run.
     */
    public static List<LowRankLayer> layers(Module model, int[] inputShape) {
        int[] one = inputShape.clone();
        one[0] = 1;
        List<LowRankLayer> out = new ArrayList<>();
        Map<String, Parameter> params = model.namedParameters();
        walk(model.spec(), one, "", params, out);
        return out;
    }

    /** A new model with each layer in {@code ranks} (path → rank, 1 ≤ rank ≤ min(rows, cols)) factorised. */
    public static Module factorise(Module model, Map<String, Integer> ranks) {
        LayerSpec target = model.spec();
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            String path = e.getKey();
            int r = e.getValue();
            target = SpecPaths.with(target, path, old -> split(path, old, r));
        }
        Module out = Arch.build(target, 0);
        Set<String> skip = new HashSet<>();
        for (String path : ranks.keySet()) {
            String prefix = path.isEmpty() ? "" : path + ".";
            for (String k : out.namedParameters().keySet()) if (k.startsWith(prefix)) skip.add(k);
        }
        StateCopy.copy(model, out, skip);
        Map<String, Parameter> src = model.namedParameters(), dst = out.namedParameters();
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            String path = e.getKey();
            Parameter w = weight(src, path);
            Parameter b = src.get(SpecPaths.join(path, "bias"));
            int rows = w.shape()[0], cols = w.size() / rows, r = e.getValue();
            Svd svd = Svd.of(doubles(w.value()), rows, cols);
            Parameter first = dst.get(SpecPaths.join(path, "0.weight")), second = dst.get(SpecPaths.join(path, "1.weight"));
            float[] f = first.value().data(), s = second.value().data();
            int fo = first.value().offset(), so = second.value().offset();
            for (int j = 0; j < r; j++) {
                double root = Math.sqrt(svd.sigma(j));
                for (int c = 0; c < cols; c++) f[fo + j * cols + c] = (float) (root * svd.v(c, j));
                for (int k = 0; k < rows; k++) s[so + k * r + j] = (float) (svd.u(k, j) * root);
            }
            first.setTrainable(w.trainable());
            second.setTrainable(w.trainable());
            if (b != null) StateCopy.copyParameter(SpecPaths.join(path, "bias"), b, dst.get(SpecPaths.join(path, "1.bias")));
        }
        out.setTraining(model.isTraining());
        return out;
    }

    /** The two-layer sequence replacing {@code old} at rank r. */
    private static LayerSpec split(String path, LayerSpec old, int r) {
        return switch (old) {
            case ConvSpec c -> {
                check(path, c.format(), r, c.out(), c.in() * c.kernelH() * c.kernelW());
                yield SequenceSpec.of(
                        new ConvSpec(c.in(), r, c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.padH(), c.padW(), false, WeightFormat.FLOAT),
                        new ConvSpec(r, c.out(), 1, 1, 1, 1, 0, 0, c.bias(), WeightFormat.FLOAT));
            }
            case LinearSpec l -> {
                check(path, l.format(), r, l.out(), l.in());
                yield SequenceSpec.of(new LinearSpec(l.in(), r, false), new LinearSpec(r, l.out(), l.bias()));
            }
            default -> throw new IllegalArgumentException("low rank: '" + path + "' is a " + old.getClass().getSimpleName() + ", not a conv or linear layer");
        };
    }

    private static void check(String path, WeightFormat format, int r, int rows, int cols) {
        if (format != WeightFormat.FLOAT)
            throw new IllegalArgumentException("low rank: '" + path + "' has " + format + " weights; factorise before constraining");
        if (r < 1 || r > Math.min(rows, cols))
            throw new IllegalArgumentException("low rank: rank " + r + " for '" + path + "' (a " + rows + " × " + cols + " weight) is outside 1.." + Math.min(rows, cols));
    }

    private static Parameter weight(Map<String, Parameter> params, String path) {
        Parameter w = params.get(SpecPaths.join(path, "weight"));
        if (w == null) throw new IllegalStateException("low rank: '" + path + "' has no weight");
        if (w.isPacked()) throw new IllegalArgumentException("low rank: '" + path + "' holds packed ternary codes; factorise before constraining");
        return w;
    }

    private static double[] doubles(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) d[i] = t.data()[t.offset() + i];
        return d;
    }

    /** Walks the spec with the shape each layer sees, collecting the factorisable layers; returns the output shape. */
    private static int[] walk(LayerSpec spec, int[] s, String path, Map<String, Parameter> params, List<LowRankLayer> out) {
        switch (spec) {
            case SequenceSpec q -> {
                int[] x = s;
                for (SequenceSpec.Child c : q.children()) x = walk(c.spec(), x, SpecPaths.join(path, c.name()), params, out);
                return x;
            }
            case ResidualSpec r -> {
                if (!r.bypassed()) walk(r.main(), s, SpecPaths.join(path, "main"), params, out);
                if (r.hasShortcut()) walk(r.shortcut(), s, SpecPaths.join(path, "shortcut"), params, out);
                return ArchShapes.outputShape(spec, s);
            }
            default -> {
                int[] y = ArchShapes.outputShape(spec, s);
                boolean conv = spec instanceof ConvSpec c && c.format() == WeightFormat.FLOAT;
                boolean linear = spec instanceof LinearSpec l && l.format() == WeightFormat.FLOAT;
                Parameter w = params.get(SpecPaths.join(path, "weight"));
                if ((conv || linear) && w != null && !w.isPacked()) {
                    int rows = w.shape()[0], cols = w.size() / rows;
                    long pixels = conv ? (long) y[2] * y[3] : 1;
                    out.add(new LowRankLayer(path, spec, rows, cols, pixels, Svd.of(doubles(w.value()), rows, cols).sigma()));
                }
                return y;
            }
        }
    }
}
