package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.pool.PoolShape;
import dev.lanes.nn.Module;

/**
 * Max pooling with a square window.
 *
 * <pre>
 * x [N, C, H, W]   y [N, C, OH, OW]   OH = (H + 2p - k) / s + 1   argmax [N·C·OH·OW] (index within the plane)
 * forward:  y = max over each window, remembering where
 * backward: dx = dy routed to the remembered positions, zero elsewhere
 * </pre>
 */
public final class MaxPool2d extends Module {
    private final int kernel, stride, padding;
    private PoolShape pool;
    private int[] inShape, outShape;
    private int[] argmax;
    private Tensor y, dx;

    public MaxPool2d(int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("MaxPool2d: kernel and stride must be positive and 0 <= padding <= kernel/2, got kernel="
                    + kernel + " stride=" + stride + " padding=" + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** Non-overlapping k×k windows. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    private PoolShape poolShape(int[] s) {
        if (s.length != 4) throw shapeError(this, s, "[N, C, H, W]");
        if (s[2] + 2 * padding < kernel || s[3] + 2 * padding < kernel) {
            throw shapeError(this, s, "H and W of at least " + (kernel - 2 * padding));
        }
        return PoolShape.of(s[0], s[1], s[2], s[3], kernel, stride, padding);
    }

    @Override
    public int[] outputShape(int[] s) {
        PoolShape p = poolShape(s);
        return new int[]{s[0], s[1], p.outHeight(), p.outWidth()};
    }

    /** k·k − 1 comparisons per output. */
    @Override
    public long flops(int[] s) {
        PoolShape p = poolShape(s);
        return (long) p.outputSize() * (kernel * kernel - 1);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) {
            pool = poolShape(x.shape());
            inShape = x.shape();
            outShape = outputShape(inShape);
            y = Buffers.resize(y, outShape);
            if (argmax == null || argmax.length < pool.outputSize()) argmax = new int[pool.outputSize()];
        }
        Kernels.pooling().maxForward(pool, x.data(), x.offset(), y.data(), y.offset(), argmax);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireGradShape(this, dy, outShape);
        if (!inputGradNeeded()) return null;
        dx = Buffers.resize(dx, inShape);
        Kernels.pooling().maxBackward(pool, dy.data(), dy.offset(), argmax, dx.data(), dx.offset());
        return dx;
    }

    @Override
    public String describe() {
        return "MaxPool2d(" + kernel + "x" + kernel + ", stride " + stride + (padding > 0 ? ", pad " + padding : "") + ")";
    }
}
