package dev.lanes.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A horizontal float sum that gives the same bits in the interpreter and in compiled code.
 * {@code reduceLanes(ADD)} does not: its order is unspecified, and the Java fallback (sequential) and the
 * intrinsic (a tree) round differently, so a kernel's result would change once C2 compiled it. Here the
 * tree is spelled out with lane-wise adds and fixed shuffles, which every tier computes identically.
 * Loaded only by the Vector API kernels.
 */
public final class VectorSums {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Shuffles pairing lane i with lane i ^ step, for step = L/2, L/4, ..., 1. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] HALVES = new VectorShuffle[Integer.numberOfTrailingZeros(S.length())];

    static {
        for (int k = 0, step = S.length() / 2; step >= 1; k++, step /= 2) {
            int st = step;
            HALVES[k] = VectorShuffle.fromOp(S, i -> i ^ st);
        }
    }

    private VectorSums() {}

    /** The sum of the lanes of {@code v} (a {@code SPECIES_PREFERRED} vector), in a fixed order. */
    public static float sum(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) v = v.add(v.rearrange(h));
        return v.lane(0);
    }
}
