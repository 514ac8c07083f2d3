package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.conv.ConvShape;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.init.Init;
import dev.lanes.nn.init.Initializable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution with a square kernel, weights [out, in, k, k] and an optional bias added inside the
 * kernel (no extra pass).
 *
 * <pre>
 * x  [N, in, H, W]      w [out, in, k, k]     b [out]
 * y  [N, out, OH, OW]   OH = (H + 2p - k) / s + 1
 * forward:  y = conv(x, w) + b
 * backward: dw += corr(x, dy), db += sum over N, OH, OW of dy, dx = convᵀ(dy, w)
 * </pre>
 */
public final class Conv2d extends Module implements Initializable {
    private final int in, out, kernel, stride, padding;
    private final Parameter weight;
    private final Parameter bias; // null without bias

    private ConvShape shape;
    private int[] inShape, outShape;
    private Tensor x, y, dx;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d: channels, kernel and stride must be positive and padding >= 0, got in="
                    + in + " out=" + out + " kernel=" + kernel + " stride=" + stride + " padding=" + padding);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.weight = new Parameter("weight", out, in, kernel, kernel);
        this.bias = bias ? new Parameter("bias", out) : null;
        resetParameters(new SplittableRandom(0));
    }

    /** Stride 1, "same" padding for odd kernels, with bias. */
    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, kernel / 2, true);
    }

    public Parameter weight() { return weight; }

    /** The bias, or null when the layer has none. */
    public Parameter bias() { return bias; }

    public int inChannels() { return in; }

    public int outChannels() { return out; }

    public int kernel() { return kernel; }

    public int stride() { return stride; }

    public int padding() { return padding; }

    @Override
    public void resetParameters(SplittableRandom rng) {
        Init.kaimingNormal(weight.value(), in * kernel * kernel, rng);
        if (bias != null) bias.value().fill(0f);
    }

    @Override
    protected List<Parameter> ownParameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    private ConvShape convShape(int[] s) {
        if (s.length != 4 || s[1] != in) throw shapeError(this, s, "[N, " + in + ", H, W]");
        if (s[2] + 2 * padding < kernel || s[3] + 2 * padding < kernel) {
            throw shapeError(this, s, "H and W of at least " + (kernel - 2 * padding));
        }
        return ConvShape.of(s[0], in, s[2], s[3], out, kernel, stride, padding);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        ConvShape s = convShape(inputShape);
        return new int[]{s.batch(), out, s.outHeight(), s.outWidth()};
    }

    /** 2·N·out·OH·OW·in·k·k multiply-adds, plus N·out·OH·OW bias adds. */
    @Override
    public long flops(int[] inputShape) {
        ConvShape s = convShape(inputShape);
        return s.forwardFlops() + (bias == null ? 0 : (long) s.outputSize());
    }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) { // new shape: new geometry, buffers resized
            shape = convShape(x.shape());
            inShape = x.shape();
            outShape = new int[]{shape.batch(), out, shape.outHeight(), shape.outWidth()};
            y = Buffers.resize(y, outShape);
        }
        Kernels.conv().forward(shape, x.data(), x.offset(), weight.value().data(), 0,
                bias == null ? null : bias.value().data(), y.data(), y.offset());
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireGradShape(this, dy, outShape);
        if (weight.trainable() || (bias != null && bias.trainable())) {
            // the kernel accumulates dw (and db unless null) in one pass; a frozen weight with a live bias is rare
            float[] dw = weight.trainable() ? weight.grad().data() : null;
            float[] db = bias != null && bias.trainable() ? bias.grad().data() : null;
            if (dw != null) {
                Kernels.conv().backwardWeights(shape, x.data(), x.offset(), dy.data(), dy.offset(), dw, 0, db);
            } else {
                biasGrad(dy, db);
            }
        }
        if (!inputGradNeeded()) return null;
        dx = Buffers.resize(dx, inShape);
        Kernels.conv().backwardData(shape, dy.data(), dy.offset(), weight.value().data(), 0, dx.data(), dx.offset());
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
        return "Conv2d(" + in + "→" + out + ", " + kernel + "x" + kernel + ", stride " + stride + ", pad " + padding
                + (bias == null ? ", no bias" : "") + ")";
    }
}
