package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.ReluSpec;

/**
 * Rectified linear unit, any shape.
 *
 * <pre>
 * x, y [any]
 * forward:  y = max(x, 0)
 * backward: dx = y > 0 ? dy : 0   (from y, so x need not be kept)
 * </pre>
 */
public final class ReLU extends Module {
    private int[] shape;
    private Tensor y, dx;

    @Override
    public int[] outputShape(int[] inputShape) { return inputShape.clone(); }

    @Override
    public long flops(int[] inputShape) { return dev.lanes.engine.Shapes.size(inputShape); }

    @Override
    public Tensor forward(Tensor x) {
        if (shape == null || !x.hasShape(shape)) {
            shape = x.shape();
            y = Buffers.resize(y, shape);
        }
        Kernels.activation().reluForward(x.data(), x.offset(), y.data(), y.offset(), y.size());
        return y;
    }

    /**
     * The output of the last forward (null before the first), valid until the next forward: lets an analysis
     * read what the layer emitted without hooks (the filter-sparsity criteria look at post-ReLU maps).
     */
    public Tensor output() { return y; }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, shape);
        if (!needDx) return null;
        dx = Buffers.resize(dx, shape);
        Kernels.activation().reluBackward(y.data(), y.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), dx.size());
        return dx;
    }

    @Override
    public ReluSpec spec() { return new ReluSpec(); }

    @Override
    public String describe() { return "ReLU"; }
}
