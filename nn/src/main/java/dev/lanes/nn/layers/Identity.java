package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.IdentitySpec;

/**
 * y = x: what a removed layer becomes, so that its siblings keep their paths.
 *
 * <pre>
 * x, y [any]   forward: y = x   backward: dx = dy
 * </pre>
 */
public final class Identity extends Module {
    private int[] shape;

    @Override
    public int[] outputShape(int[] inputShape) { return inputShape.clone(); }

    @Override
    public long flops(int[] inputShape) { return 0; }

    @Override
    public Tensor forward(Tensor x) {
        if (shape == null || !x.hasShape(shape)) shape = x.shape();
        return x;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, shape);
        return needDx ? dy : null;
    }

    @Override
    public IdentitySpec spec() { return new IdentitySpec(); }

    @Override
    public String describe() { return "Identity"; }
}
