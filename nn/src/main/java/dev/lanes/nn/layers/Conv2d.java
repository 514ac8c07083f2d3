package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.conv.ConvShape;
import dev.lanes.engine.conv.GroupedConv;
import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.init.Init;
import dev.lanes.nn.init.Initializable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution, weights [out, in, kh, kw], stride and zero padding per axis, and an optional bias added
 * inside the kernel (no extra pass). The geometry is read from the weight, so the layer cannot disagree with
 * its tensor.
 *
 * <pre>
 * x  [N, in, H, W]      w [out, in, kh, kw]     b [out]
 * y  [N, out, OH, OW]   OH = (H + 2·padH - kh) / strideH + 1, OW likewise
 * forward:  y = conv(x, w) + b
 * backward: dw += corr(x, dy), db += sum over N, OH, OW of dy, dx = convᵀ(dy, w)
 * </pre>
 * With {@code groups} G > 1 the weight is [out, in/G, kh, kw] and output group g sees input group g only
 * (depthwise: G == in), see {@link GroupedConv}.
 */
public final class Conv2d extends Module implements Initializable {
    private final int in, out, kernelH, kernelW, strideH, strideW, padH, padW, groups;
    private final Parameter weight;
    private final Parameter bias; // null without bias

    private ConvShape shape;
    private int[] inShape, outShape;
    private Tensor x, y, dx;

    /**
     * A convolution over the given parameters (kept, not copied): {@code weight} [out, in, kh, kw] named
     * "weight", {@code bias} [out] named "bias" or null.
     */
    public Conv2d(Parameter weight, Parameter bias, int strideH, int strideW, int padH, int padW) {
        this(weight, bias, strideH, strideW, padH, padW, 1);
    }

    /** As above with {@code groups}: {@code weight} is [out, in/groups, kh, kw]. */
    public Conv2d(Parameter weight, Parameter bias, int strideH, int strideW, int padH, int padW, int groups) {
        int[] w = Parts.require("Conv2d", "weight", weight, 4).shape();
        if (strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("Conv2d: strides must be positive and padding >= 0, got stride " + strideH + "x" + strideW
                    + " pad " + padH + "x" + padW);
        }
        if (groups < 1 || w[0] % groups != 0)
            throw new IllegalArgumentException("Conv2d: groups " + groups + " must be positive and divide the out channels of weight " + java.util.Arrays.toString(w));
        this.groups = groups;
        this.out = w[0];
        this.in = w[1] * groups;
        this.kernelH = w[2];
        this.kernelW = w[3];
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.weight = weight;
        this.bias = Parts.requireVector("Conv2d", "bias", bias, out);
    }

    /** A freshly initialised convolution (see {@link #resetParameters}) with per-axis kernel, stride and padding. */
    public Conv2d(int in, int out, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean bias) {
        this(in, out, kernelH, kernelW, strideH, strideW, padH, padW, bias, 1);
    }

    /** As above, grouped: {@code groups} must divide {@code in} and {@code out}. */
    public Conv2d(int in, int out, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean bias, int groups) {
        this(newWeight(in, out, kernelH, kernelW, groups), bias ? new Parameter("bias", out) : null, strideH, strideW, padH, padW, groups);
        resetParameters(new SplittableRandom(0));
    }

    /** A square kernel with the same stride and padding on both axes. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, kernel, kernel, stride, stride, padding, padding, bias);
    }

    /** Stride 1, "same" padding for odd kernels, with bias. */
    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, kernel / 2, true);
    }

    private static Parameter newWeight(int in, int out, int kh, int kw, int groups) {
        if (in <= 0 || out <= 0 || kh <= 0 || kw <= 0) {
            throw new IllegalArgumentException("Conv2d: channels and kernel must be positive, got in=" + in + " out=" + out + " kernel=" + kh + "x" + kw);
        }
        if (groups < 1 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("Conv2d: groups " + groups + " must be positive and divide in=" + in + " and out=" + out);
        }
        return new Parameter("weight", out, in / groups, kh, kw);
    }

    public Parameter weight() { return weight; }

    /** The bias, or null when the layer has none. */
    public Parameter bias() { return bias; }

    public boolean hasBias() { return bias != null; }

    public int inChannels() { return in; }

    public int outChannels() { return out; }

    public int kernelH() { return kernelH; }

    public int kernelW() { return kernelW; }

    public int strideH() { return strideH; }

    public int strideW() { return strideW; }

    public int padH() { return padH; }

    public int padW() { return padW; }

    public int groups() { return groups; }

    /** Kaiming-normal weight with fan-in (in/groups)·kh·kw, zero bias. */
    @Override
    public void resetParameters(SplittableRandom rng) {
        Init.kaimingNormal(weight.value(), in / groups * kernelH * kernelW, rng);
        if (bias != null) bias.value().fill(0f);
    }

    @Override
    public ConvSpec spec() {
        return new ConvSpec(in, out, kernelH, kernelW, strideH, strideW, padH, padW, bias != null, weight.format(), groups);
    }

    @Override
    protected List<Parameter> ownParameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    private ConvShape convShape(int[] s) {
        if (s.length != 4 || s[1] != in) throw shapeError(this, s, "[N, " + in + ", H, W]");
        if (s[2] + 2 * padH < kernelH || s[3] + 2 * padW < kernelW) {
            throw shapeError(this, s, "H of at least " + (kernelH - 2 * padH) + " and W of at least " + (kernelW - 2 * padW));
        }
        return new ConvShape(s[0], in, s[2], s[3], out, kernelH, kernelW, strideH, strideW, padH, padW);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        ConvShape s = convShape(inputShape);
        return new int[]{s.batch(), out, s.outHeight(), s.outWidth()};
    }

    /** 2·N·out·OH·OW·(in/groups)·kh·kw multiply-adds, plus N·out·OH·OW bias adds. */
    @Override
    public long flops(int[] inputShape) {
        ConvShape s = convShape(inputShape);
        return s.forwardFlops() / groups + (bias == null ? 0 : (long) s.outputSize());
    }

    /**
     * Forward as {@link #flops}; backward-data (a transposed convolution, as many multiply-adds as forward)
     * only when dx is needed; backward-weights (a correlation of x with dy, the same count) only when the
     * weight trains, plus one add per output for a training bias.
     */
    @Override
    public Flops trainingFlops(int[] inputShape, boolean needDx) {
        ConvShape s = convShape(inputShape);
        long macs2 = s.forwardFlops() / groups;
        long weights = (weight.trainable() ? macs2 : 0) + (bias != null && bias.trainable() ? s.outputSize() : 0);
        return new Flops(flops(inputShape), needDx ? macs2 : 0, weights);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) { // new shape: new geometry, buffers resized
            shape = convShape(x.shape());
            inShape = x.shape();
            outShape = new int[]{shape.batch(), out, shape.outHeight(), shape.outWidth()};
            y = Buffers.resize(y, outShape);
        }
        GroupedConv.forward(Kernels.conv(), shape, groups, x.data(), x.offset(), weight.value().data(), 0,
                bias == null ? null : bias.value().data(), y.data(), y.offset());
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, outShape);
        if (weight.trainable() || (bias != null && bias.trainable())) {
            // the kernel accumulates dw (and db unless null) in one pass; a frozen weight with a live bias is rare
            float[] dw = weight.trainable() ? weight.grad().data() : null;
            float[] db = bias != null && bias.trainable() ? bias.grad().data() : null;
            if (dw != null) {
                GroupedConv.backwardWeights(Kernels.conv(), shape, groups, x.data(), x.offset(), dy.data(), dy.offset(), dw, 0, db);
            } else {
                biasGrad(dy, db);
            }
        }
        if (!needDx) return null;
        dx = Buffers.resize(dx, inShape);
        GroupedConv.backwardData(Kernels.conv(), shape, groups, dy.data(), dy.offset(), weight.value().data(), 0, dx.data(), dx.offset());
        return dx;
    }

    /** db += Σ dy over batch and positions: only when the weight is frozen but the bias is not. */
    private void biasGrad(Tensor dy, float[] db) {
        int hw = shape.outHeight() * shape.outWidth();
        for (int n = 0; n < shape.batch(); n++) {
            for (int c = 0; c < out; c++) {
                db[c] += Kernels.elementwise().sum(dy.data(), dy.offset() + (n * out + c) * hw, hw);
            }
        }
    }

    @Override
    public String describe() {
        return "Conv2d(" + in + "→" + out + ", " + kernelH + "x" + kernelW + ", stride " + pair(strideH, strideW) + ", pad " + pair(padH, padW)
                + (groups == 1 ? "" : ", groups " + groups) + (bias == null ? ", no bias" : "") + ")";
    }

    private static String pair(int h, int w) {
        return h == w ? Integer.toString(h) : h + "x" + w;
    }
}
