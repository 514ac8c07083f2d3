package dev.lanes.nn.layers;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;

/** Module-owned buffers and the checks shared by the layers' backward passes. */
final class Buffers {
    private Buffers() {}

    /**
     * A buffer of {@code shape}: {@code current} itself when the shape is unchanged, a view of its array when
     * that is large enough (a smaller last batch, then full batches again, allocates nothing), else a new one.
     */
    static Tensor resize(Tensor current, int[] shape) {
        if (current == null) return Tensor.zeros(shape);
        if (current.hasShape(shape)) return current;
        return current.data().length >= Shapes.size(shape) ? Tensor.wrap(current.data(), 0, shape) : Tensor.zeros(shape);
    }

    /**
     * The gradient given to backward must match the last forward's output shape. Takes the layer, not its
     * description, so that a passing check builds no string.
     */
    static void requireGradShape(Module layer, Tensor dy, int[] outShape) {
        if (outShape == null) throw new IllegalStateException(layer.describe() + ": backward called before forward");
        if (!dy.hasShape(outShape)) {
            throw new IllegalArgumentException(layer.describe() + ": gradient shape " + Shapes.toString(dy.shape())
                    + " does not match the forward output " + Shapes.toString(outShape));
        }
    }
}
