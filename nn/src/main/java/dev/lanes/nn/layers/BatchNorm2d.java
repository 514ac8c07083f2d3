package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.BatchNormSpec;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.init.Initializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Batch normalisation per channel of NCHW data (momentum 0.1, eps 1e-5 by default, as PyTorch).
 *
 * <pre>
 * x, y [N, C, H, W]    gamma (weight), beta (bias), runningMean (running_mean), runningVar (running_var) [C]
 * training: y = gamma * (x - mean_batch) / sqrt(var_batch + eps) + beta, running stats updated
 * eval:     y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta
 * backward: dgamma += Σ dy·x̂, dbeta += Σ dy, dx through the batch statistics (training) or the fixed
 *           affine map (eval, e.g. a BN kept in eval mode while fine-tuning)
 * </pre>
 * Frozen gamma/beta get no gradient work, but dx is still computed.
 */
public final class BatchNorm2d extends Module implements Initializable {
    private final int channels;
    private final float eps, momentum;
    private final Parameter weight, bias; // γ and β
    private final Tensor runningMean, runningVar;
    private final float[] saveMean, saveInvStd;

    private int[] shape;
    private boolean forwardWasTraining;
    private Tensor x, y, dx;

    /**
     * A layer over the given state (kept, not copied): {@code weight} (γ) and {@code bias} (β) [C] named
     * "weight" and "bias", running mean and variance [C] owning their arrays from offset 0.
     */
    public BatchNorm2d(Parameter weight, Parameter bias, Tensor runningMean, Tensor runningVar, float momentum, float eps) {
        if (!(momentum >= 0 && momentum <= 1) || !(eps > 0)) {
            throw new IllegalArgumentException("BatchNorm2d: momentum must be in [0, 1] and eps > 0, got " + momentum + ", " + eps);
        }
        this.channels = Parts.require("BatchNorm2d", "weight", weight, 1).shape()[0];
        this.momentum = momentum;
        this.eps = eps;
        this.weight = weight;
        this.bias = Parts.requireVector("BatchNorm2d", "bias", bias, channels);
        if (this.bias == null) throw new IllegalArgumentException("BatchNorm2d: the bias parameter is null");
        this.runningMean = Parts.requireBuffer("BatchNorm2d", "running_mean", runningMean, channels);
        this.runningVar = Parts.requireBuffer("BatchNorm2d", "running_var", runningVar, channels);
        if (runningMean == runningVar || runningMean.data() == runningVar.data()) {
            throw new IllegalArgumentException("BatchNorm2d: running_mean and running_var must be different tensors");
        }
        this.saveMean = new float[channels];
        this.saveInvStd = new float[channels];
    }

    /** A fresh layer: γ = 1, β = 0, running mean 0, running variance 1. */
    public BatchNorm2d(int channels, float momentum, float eps) {
        this(new Parameter("weight", positive(channels)), new Parameter("bias", positive(channels)), Tensor.zeros(positive(channels)),
                Tensor.zeros(positive(channels)), momentum, eps);
        resetParameters(null);
    }

    public BatchNorm2d(int channels) {
        this(channels, 0.1f, 1e-5f);
    }

    private static int positive(int channels) {
        if (channels <= 0) throw new IllegalArgumentException("BatchNorm2d: channels must be positive but is " + channels);
        return channels;
    }

    /** γ, the per-channel scale (PyTorch's {@code weight}). */
    public Parameter weight() { return weight; }

    /** β, the per-channel shift (PyTorch's {@code bias}). */
    public Parameter bias() { return bias; }

    public Tensor runningMean() { return runningMean; }

    public Tensor runningVar() { return runningVar; }

    public int channels() { return channels; }

    public float momentum() { return momentum; }

    public float eps() { return eps; }

    /** γ = 1, β = 0, running mean 0, running variance 1; needs no randomness. */
    @Override
    public void resetParameters(SplittableRandom rng) {
        weight.value().fill(1f);
        bias.value().fill(0f);
        runningMean.fill(0f);
        runningVar.fill(1f);
    }

    @Override
    public BatchNormSpec spec() { return new BatchNormSpec(channels, momentum, eps); }

    @Override
    protected List<Parameter> ownParameters() { return List.of(weight, bias); }

    @Override
    protected Map<String, Tensor> ownBuffers() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("running_mean", runningMean);
        m.put("running_var", runningVar);
        return m;
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 4 || s[1] != channels) throw shapeError(this, s, "[N, " + channels + ", H, W]");
        return s.clone();
    }

    /** Counted as the folded per-channel affine map: one multiply-add per element. */
    @Override
    public long flops(int[] s) {
        outputShape(s);
        return 2L * s[0] * s[1] * s[2] * s[3];
    }

    @Override
    public Tensor forward(Tensor x) {
        if (shape == null || !x.hasShape(shape)) {
            shape = outputShape(x.shape());
            y = Buffers.resize(y, shape);
        }
        int n = shape[0], hw = shape[2] * shape[3];
        if (isTraining()) {
            Kernels.batchNorm().forwardTraining(n, channels, hw, x.data(), x.offset(), weight.value().data(), bias.value().data(),
                    eps, momentum, runningMean.data(), runningVar.data(), saveMean, saveInvStd, y.data(), y.offset());
        } else {
            Kernels.batchNorm().forwardInference(n, channels, hw, x.data(), x.offset(), weight.value().data(), bias.value().data(),
                    runningMean.data(), runningVar.data(), eps, y.data(), y.offset());
        }
        forwardWasTraining = isTraining();
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, shape);
        boolean wantDx = needDx;
        float[] dgamma = weight.trainable() ? weight.grad().data() : null;
        float[] dbeta = bias.trainable() ? bias.grad().data() : null;
        if (wantDx) dx = Buffers.resize(dx, shape);
        if (!wantDx && dgamma == null && dbeta == null) return null;
        int n = shape[0], hw = shape[2] * shape[3];
        if (forwardWasTraining) {
            Kernels.batchNorm().backward(n, channels, hw, x.data(), x.offset(), dy.data(), dy.offset(), weight.value().data(),
                    saveMean, saveInvStd, wantDx ? dx.data() : null, wantDx ? dx.offset() : 0, dgamma, dbeta);
        } else {
            evalBackward(n, hw, dy, wantDx ? dx : null, dgamma, dbeta);
        }
        return wantDx ? dx : null;
    }

    /** The eval-mode map is affine per channel: dx = dy·gamma·invStd, dgamma += Σ dy·x̂, dbeta += Σ dy. */
    private void evalBackward(int n, int hw, Tensor dy, Tensor dx, float[] dgamma, float[] dbeta) {
        float[] xd = x.data(), dyd = dy.data();
        float[] g = weight.value().data(), rm = runningMean.data(), rv = runningVar.data();
        for (int c = 0; c < channels; c++) {
            float invStd = (float) (1.0 / Math.sqrt(rv[c] + eps));
            float scale = g[c] * invStd;
            double sumDy = 0, sumDyXhat = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * channels + c) * hw;
                for (int j = 0; j < hw; j++) {
                    float d = dyd[dy.offset() + base + j];
                    sumDy += d;
                    sumDyXhat += d * (xd[x.offset() + base + j] - rm[c]) * invStd;
                    if (dx != null) dx.data()[dx.offset() + base + j] = d * scale;
                }
            }
            if (dgamma != null) dgamma[c] += (float) sumDyXhat;
            if (dbeta != null) dbeta[c] += (float) sumDy;
        }
    }

    @Override
    public String describe() {
        return "BatchNorm2d(" + channels + ")";
    }
}
