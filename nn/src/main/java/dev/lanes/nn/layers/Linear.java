package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.LinearSpec;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.init.Init;
import dev.lanes.nn.init.Initializable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fully connected layer, weight [out, in] as in PyTorch.
 *
 * <pre>
 * x [N, in]   w [out, in]   b [out]   y [N, out]
 * forward:  y = x·wᵀ + b            (b broadcast into y first, then one GEMM with beta = 1)
 * backward: dw += dyᵀ·x   db += Σ_n dy   dx = dy·w
 * </pre>
 */
public final class Linear extends Module implements Initializable {
    private final int in, out;
    private final Parameter weight;
    private final Parameter bias; // null without bias

    private int[] inShape, outShape;
    private Tensor x, y, dx;

    /** A layer over the given parameters (kept, not copied): {@code weight} [out, in] named "weight", {@code bias} [out] named "bias" or null. */
    public Linear(Parameter weight, Parameter bias) {
        int[] w = Parts.require("Linear", "weight", weight, 2).shape();
        this.out = w[0];
        this.in = w[1];
        this.weight = weight;
        this.bias = Parts.requireVector("Linear", "bias", bias, out);
    }

    /** A freshly initialised layer (see {@link #resetParameters}). */
    public Linear(int in, int out, boolean bias) {
        this(newWeight(in, out), bias ? new Parameter("bias", out) : null);
        resetParameters(new SplittableRandom(0));
    }

    private static Parameter newWeight(int in, int out) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: in and out must be positive, got " + in + ", " + out);
        return new Parameter("weight", out, in);
    }

    public Linear(int in, int out) {
        this(in, out, true);
    }

    public Parameter weight() { return weight; }

    /** The bias, or null when the layer has none. */
    public Parameter bias() { return bias; }

    public boolean hasBias() { return bias != null; }

    public int inFeatures() { return in; }

    public int outFeatures() { return out; }

    /** Kaiming-normal weight with fan-in {@code in}, zero bias. */
    @Override
    public void resetParameters(SplittableRandom rng) {
        Init.kaimingNormal(weight.value(), in, rng);
        if (bias != null) bias.value().fill(0f);
    }

    @Override
    public LinearSpec spec() { return new LinearSpec(in, out, bias != null, weight.format()); }

    @Override
    protected List<Parameter> ownParameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 2 || s[1] != in) throw shapeError(this, s, "[N, " + in + "] (add a Flatten before it for images)");
        return new int[]{s[0], out};
    }

    /** 2·N·in·out multiply-adds plus N·out bias adds. */
    @Override
    public long flops(int[] s) {
        outputShape(s);
        return 2L * s[0] * in * out + (bias == null ? 0 : (long) s[0] * out);
    }

    /** Forward as {@link #flops}; dx = dy·w (2·N·in·out) only when needed; dw = dyᵀ·x (the same) when the weight trains, db (N·out) when the bias does. */
    @Override
    public Flops trainingFlops(int[] s, boolean needDx) {
        outputShape(s);
        long gemm = 2L * s[0] * in * out;
        long weights = (weight.trainable() ? gemm : 0) + (bias != null && bias.trainable() ? (long) s[0] * out : 0);
        return new Flops(flops(s), needDx ? gemm : 0, weights);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) {
            outShape = outputShape(x.shape());
            inShape = x.shape();
            y = Buffers.resize(y, outShape);
        }
        int n = inShape[0];
        float[] yd = y.data();
        if (bias != null) {
            for (int r = 0; r < n; r++) System.arraycopy(bias.value().data(), 0, yd, y.offset() + r * out, out);
        }
        Kernels.gemm().sgemm(false, true, n, out, in, 1f, x.data(), x.offset(), in, weight.value().data(), 0, in,
                bias != null ? 1f : 0f, yd, y.offset(), out);
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, outShape);
        int n = inShape[0];
        if (weight.trainable()) {
            Kernels.gemm().sgemm(true, false, out, in, n, 1f, dy.data(), dy.offset(), out, x.data(), x.offset(), in,
                    1f, weight.grad().data(), 0, in);
        }
        if (bias != null && bias.trainable()) {
            float[] db = bias.grad().data(), dyd = dy.data();
            for (int r = 0; r < n; r++) Kernels.elementwise().axpy(1f, dyd, dy.offset() + r * out, db, 0, out);
        }
        if (!needDx) return null;
        dx = Buffers.resize(dx, inShape);
        Kernels.gemm().sgemm(false, false, n, in, out, 1f, dy.data(), dy.offset(), out, weight.value().data(), 0, in,
                0f, dx.data(), dx.offset(), in);
        return dx;
    }

    @Override
    public String describe() {
        return "Linear(" + in + "→" + out + (bias == null ? ", no bias" : "") + ")";
    }
}
