package dev.lanes.nn.param;

import dev.lanes.engine.Tensor;

/**
 * What holds a parameter's values: dense floats ({@link DenseStorage}) or packed ternary codes with scales
 * ({@link TernaryStorage}). Either way {@link #values()} is a float tensor of the parameter's shape that
 * owns its array from offset 0, which every kernel and optimizer reads; for packed storage it is a decoded
 * view, brought up to date when codes or scales have changed.
 */
public sealed interface ParameterStorage permits DenseStorage, TernaryStorage {
    /** The shape (a copy). */
    int[] shape();

    /** Number of values. */
    int size();

    /** The values as floats; for packed storage, decoded (do not write into it: write the codes). */
    Tensor values();

    /** The value set this storage keeps its values in, or null for unconstrained floats. */
    Constraint constraint();
}
