package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.FlattenSpec;

/**
 * Collapses every axis after the first. A view both ways: no copy.
 *
 * <pre>
 * x [N, d1, d2, ...]   y [N, d1·d2·...]
 * forward:  y = x seen as rows;   backward: dx = dy seen in x's shape
 * </pre>
 */
public final class Flatten extends Module {
    private int[] inShape, outShape;
    // the views handed out last time, reused while the same tensor comes back (a layer's own buffer, each step)
    private Tensor lastX, y, lastDy, dx;

    @Override
    public int[] outputShape(int[] s) {
        if (s.length < 2) throw shapeError(this, s, "at least 2 dimensions [N, ...]");
        return new int[]{s[0], dev.lanes.engine.Shapes.size(s) / Math.max(1, s[0])};
    }

    @Override
    public long flops(int[] inputShape) { return 0; }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) {
            outShape = outputShape(x.shape());
            inShape = x.shape();
        }
        if (x != lastX || !y.hasShape(outShape)) {
            lastX = x;
            y = x.reshape(outShape);
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, outShape);
        if (!needDx) return null;
        if (dy != lastDy || !dx.hasShape(inShape)) {
            lastDy = dy;
            dx = dy.reshape(inShape);
        }
        return dx;
    }

    @Override
    public FlattenSpec spec() { return new FlattenSpec(); }

    @Override
    public String describe() { return "Flatten"; }
}
