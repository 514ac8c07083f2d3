package dev.lanes.engine.elementwise;

/**
 * Flush-to-zero for what the optimizer steps write. With Adam + L2 the weights and moments of dead filters
 * decay geometrically toward 0, into subnormal floats (below {@link Float#MIN_NORMAL}, 1.2e-38), and every
 * Intel multiply or add that reads or makes one takes a microcode assist of ~100 cycles. On a Xeon, an
 * 8-epoch Fashion-MNIST run of cnn-16-32-64-128 with L2 1e-2 went from 10 s to 62 s per epoch as 83% of
 * conv4's weights became subnormal. AMD cores pay nothing for these, so it did not show there. Flushing only
 * the subnormal weights still left 19 s per epoch: weights of 1e-35 make subnormal products with the
 * activations. Java cannot set the CPU's FTZ/DAZ flags, so the steps flush: a weight below {@link #TINY_WEIGHT}
 * (it cannot move an fp32 sum that holds an O(1) term, ulp(1) being 1.2e-7, and a dead filter's output vanishes
 * under BatchNorm's eps anyway), and optimizer state only when subnormal (it never enters a GEMM, and a tiny
 * second moment still matters beside a tiny eps). An exact zero costs nothing. NaN is kept, so divergence still shows.
 */
public final class Subnormals {
    /** Weights below this magnitude are written as 0. */
    public static final float TINY_WEIGHT = 1e-20f;

    private Subnormals() {}

    /** A weight {@code w}, or 0 when its magnitude is below {@link #TINY_WEIGHT}. */
    public static float flushWeight(float w) {
        return Math.abs(w) < TINY_WEIGHT ? 0f : w;
    }

    /** Optimizer state {@code x}, or 0 when it is subnormal. */
    public static float flush(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }
}
