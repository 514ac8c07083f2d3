package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.pool.PoolShape;
import dev.lanes.nn.arch.AvgPoolSpec;

/**
 * Average pooling with a square window.
 *
 * <pre>
 * x [N, C, H, W]   y [N, C, OH, OW]
 * forward:  y = mean over each window (divisor k·k, padding counts as zero, as PyTorch's default)
 * backward: dx = each dy spread evenly, dy / (k·k), over its window
 * </pre>
 */
public final class AvgPool2d extends Pool2d {
    public AvgPool2d(int kernel, int stride, int padding) {
        super(kernel, stride, padding);
    }

    /** Non-overlapping k×k windows. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    @Override
    String name() { return "AvgPool2d"; }

    @Override
    public AvgPoolSpec spec() { return new AvgPoolSpec(kernel, stride, padding); }

    /** k·k adds (the last one a multiply by 1/k²) per output. */
    @Override
    long flopsPerOutput() { return (long) kernel * kernel; }

    @Override
    void forwardKernel(PoolShape pool, Tensor x, Tensor y) {
        Kernels.pooling().avgForward(pool, x.data(), x.offset(), y.data(), y.offset());
    }

    @Override
    void backwardKernel(PoolShape pool, Tensor dy, Tensor dx) {
        Kernels.pooling().avgBackward(pool, dy.data(), dy.offset(), dx.data(), dx.offset());
    }
}
