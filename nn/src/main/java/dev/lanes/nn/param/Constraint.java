package dev.lanes.nn.param;

import dev.lanes.engine.Tensor;

/**
 * A finite, ordered set of values a parameter may take (per tensor or per output channel), e.g.
 * {@link TernaryConstraint}'s {−α, 0, +α}. A constrained parameter's storage keeps its values inside the
 * set by construction: its values are codes, indices into the set, so training changes codes
 * (coordinate descent) rather than floats, and the float optimizers leave such parameters alone.
 *
 * <p>The levels may depend on numbers held by the storage (the scale α of each channel), which is why the
 * queries take the storage.
 */
public interface Constraint {
    /** Storage for {@code values} moved onto the set (a projection; {@code values} is only read). */
    ParameterStorage project(Tensor values);

    /** Whether {@code storage} is the kind of storage this set is kept in (so its values are always inside). */
    boolean fits(ParameterStorage storage);

    /** Number of values in the set (of one channel): 3 for ternary. */
    int levelCount();

    /** The {@code k}-th smallest allowed value of element {@code index} of {@code storage} (which must fit). */
    float level(ParameterStorage storage, int index, int k);

    /** Whether {@code value} is an allowed value of element {@code index} of {@code storage}. */
    default boolean allows(ParameterStorage storage, int index, float value) {
        for (int k = 0; k < levelCount(); k++) {
            if (level(storage, index, k) == value) return true;
        }
        return false;
    }

    /** The first element of {@code storage} whose value is outside the set, or -1 when all are inside. */
    default int firstOutside(ParameterStorage storage) {
        float[] v = storage.values().data();
        for (int i = 0; i < storage.size(); i++) if (!allows(storage, i, v[i])) return i;
        return -1;
    }
}
