package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.pool.PoolShape;
import dev.lanes.nn.Module;

/**
 * What max and average pooling share: a square window with stride and padding, the output shape, and the
 * output and gradient buffers reused while the input shape stays the same. Subclasses supply the kernels.
 *
 * <pre>
 * x [N, C, H, W]   y [N, C, OH, OW]   OH = (H + 2p - k) / s + 1
 * </pre>
 */
public abstract sealed class Pool2d extends Module permits MaxPool2d, AvgPool2d {
    protected final int kernel, stride, padding;
    private PoolShape pool;
    private int[] inShape, outShape;
    private Tensor y, dx;

    Pool2d(int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(name() + ": kernel and stride must be positive and 0 <= padding <= kernel/2, got kernel="
                    + kernel + " stride=" + stride + " padding=" + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** The layer's name in messages, e.g. "MaxPool2d". */
    abstract String name();

    /** Floating-point operations per output element. */
    abstract long flopsPerOutput();

    /** Called when the input shape changes, before the next forward runs. */
    void shapeChanged(PoolShape pool) {}

    /** y = pooled x. */
    abstract void forwardKernel(PoolShape pool, Tensor x, Tensor y);

    /** dx = the input gradient for dy (overwritten). */
    abstract void backwardKernel(PoolShape pool, Tensor dy, Tensor dx);

    private PoolShape poolShape(int[] s) {
        if (s.length != 4) throw shapeError(this, s, "[N, C, H, W]");
        if (s[2] + 2 * padding < kernel || s[3] + 2 * padding < kernel) {
            throw shapeError(this, s, "H and W of at least " + (kernel - 2 * padding));
        }
        return PoolShape.of(s[0], s[1], s[2], s[3], kernel, stride, padding);
    }

    @Override
    public final int[] outputShape(int[] s) {
        PoolShape p = poolShape(s);
        return new int[]{s[0], s[1], p.outHeight(), p.outWidth()};
    }

    @Override
    public final long flops(int[] s) {
        return poolShape(s).outputSize() * flopsPerOutput();
    }

    @Override
    public final Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) {
            pool = poolShape(x.shape());
            inShape = x.shape();
            outShape = outputShape(inShape);
            y = Buffers.resize(y, outShape);
            shapeChanged(pool);
        }
        forwardKernel(pool, x, y);
        return y;
    }

    @Override
    public final Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, outShape);
        if (!needDx) return null;
        dx = Buffers.resize(dx, inShape);
        backwardKernel(pool, dy, dx);
        return dx;
    }

    @Override
    public final String describe() {
        return name() + "(" + kernel + "x" + kernel + ", stride " + stride + (padding > 0 ? ", pad " + padding : "") + ")";
    }
}
