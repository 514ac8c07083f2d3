package dev.lanes.nn.param;

import dev.lanes.engine.Tensor;

/**
 * The ternary set {−α, 0, +α}, with one scale α per tensor or per output channel (axis 0), kept in
 * {@link TernaryStorage}: level k of element i is (k − 1) · α of its channel, so a code is its level's
 * index. Projection packs floats by TWN's threshold rule ({@link TernaryQuantizer}).
 */
public record TernaryConstraint(Granularity granularity) implements Constraint {
    public TernaryConstraint {
        if (granularity == null) throw new IllegalArgumentException("ternary constraint: granularity is null");
    }

    /** One scale for the whole tensor. */
    public static TernaryConstraint perTensor() { return new TernaryConstraint(Granularity.PER_TENSOR); }

    /** One scale per output channel (axis 0). */
    public static TernaryConstraint perChannel() { return new TernaryConstraint(Granularity.PER_CHANNEL); }

    @Override
    public TernaryStorage project(Tensor values) {
        return TernaryStorage.quantize(values, granularity);
    }

    @Override
    public boolean fits(ParameterStorage storage) {
        return storage instanceof TernaryStorage t && t.granularity() == granularity;
    }

    @Override
    public int levelCount() { return 3; }

    @Override
    public float level(ParameterStorage storage, int index, int k) {
        if (!fits(storage)) throw new IllegalArgumentException(this + " does not hold for " + storage);
        return ((TernaryStorage) storage).level(index, k);
    }

    @Override
    public String toString() { return "ternary {-a, 0, +a} " + granularity; }
}
