package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.pool.PoolShape;
import dev.lanes.nn.arch.MaxPoolSpec;

/**
 * Max pooling with a square window.
 *
 * <pre>
 * x [N, C, H, W]   y [N, C, OH, OW]   argmax [N·C·OH·OW] (index within the plane)
 * forward:  y = max over each window, remembering where
 * backward: dx = dy routed to the remembered positions, zero elsewhere
 * </pre>
 */
public final class MaxPool2d extends Pool2d {
    private int[] argmax;

    public MaxPool2d(int kernel, int stride, int padding) {
        super(kernel, stride, padding);
    }

    /** Non-overlapping k×k windows. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    @Override
    String name() { return "MaxPool2d"; }

    @Override
    public MaxPoolSpec spec() { return new MaxPoolSpec(kernel, stride, padding); }

    /** k·k − 1 comparisons per output. */
    @Override
    long flopsPerOutput() { return (long) kernel * kernel - 1; }

    @Override
    void shapeChanged(PoolShape pool) {
        if (argmax == null || argmax.length < pool.outputSize()) argmax = new int[pool.outputSize()];
    }

    @Override
    void forwardKernel(PoolShape pool, Tensor x, Tensor y) {
        Kernels.pooling().maxForward(pool, x.data(), x.offset(), y.data(), y.offset(), argmax);
    }

    @Override
    void backwardKernel(PoolShape pool, Tensor dy, Tensor dx) {
        Kernels.pooling().maxBackward(pool, dy.data(), dy.offset(), argmax, dx.data(), dx.offset());
    }
}
