package dev.lanes.nn.param;

import dev.lanes.engine.Tensor;

/** Plain float storage: the tensor is the parameter's value and the float optimizers update it in place. */
public record DenseStorage(Tensor values) implements ParameterStorage {
    public DenseStorage {
        if (values.offset() != 0 || values.data().length != values.size()) {
            throw new IllegalArgumentException("dense storage must own its array from offset 0, but has offset "
                    + values.offset() + " in an array of " + values.data().length + " for " + values.size() + " values");
        }
    }

    @Override
    public int[] shape() { return values.shape(); }

    @Override
    public int size() { return values.size(); }

    @Override
    public Constraint constraint() { return null; }
}
