package dev.lanes.nn;

/**
 * The floating-point work of one training step of a module over one input (a multiply-add counts two):
 * the forward pass, the input gradient (backward-data, only where dx is needed) and the parameter
 * gradients (backward-weights, only for parameters that train).
 */
public record Flops(long forward, long backwardData, long backwardWeights) {
    public static final Flops ZERO = new Flops(0, 0, 0);

    public Flops {
        if (forward < 0 || backwardData < 0 || backwardWeights < 0) {
            throw new IllegalArgumentException("FLOPs must be >= 0 but are " + forward + ", " + backwardData + ", " + backwardWeights);
        }
    }

    /** Forward plus both backward directions. */
    public long training() { return forward + backwardData + backwardWeights; }

    public Flops plus(Flops o) {
        return new Flops(forward + o.forward, backwardData + o.backwardData, backwardWeights + o.backwardWeights);
    }

    /** Every count times {@code n} (e.g. samples per epoch). */
    public Flops times(long n) {
        return new Flops(forward * n, backwardData * n, backwardWeights * n);
    }
}
