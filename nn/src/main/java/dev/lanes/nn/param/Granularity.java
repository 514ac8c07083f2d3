package dev.lanes.nn.param;

import dev.lanes.engine.Shapes;

/**
 * How many scales a packed tensor has: one for the whole tensor, or one per output channel (axis 0, the
 * {@code out} of a conv weight [out, in, kh, kw] or a linear weight [out, in]).
 */
public enum Granularity {
    PER_TENSOR(0),
    PER_CHANNEL(1);

    private final int code;

    Granularity(int code) { this.code = code; }

    /** The byte that stands for this granularity in a file (0 per tensor, 1 per channel). */
    public int code() { return code; }

    /** The granularity whose file byte is {@code code}, or null for an unknown byte. */
    public static Granularity ofCode(int code) {
        for (Granularity g : values()) if (g.code == code) return g;
        return null;
    }

    /** Number of scales of a tensor of this shape: 1, or its first dimension; per channel needs rank ≥ 1. */
    public int scaleCount(int[] shape) {
        if (this == PER_TENSOR) return 1;
        if (shape.length == 0) throw new IllegalArgumentException("per-channel scales need a tensor of rank >= 1, not a scalar");
        return shape[0];
    }

    /** Elements that share one scale: the whole tensor, or one slice along axis 0. */
    public int codesPerScale(int[] shape) {
        int size = Shapes.size(shape);
        if (this == PER_TENSOR) return size;
        int channels = scaleCount(shape);
        return channels == 0 ? 0 : size / channels;
    }

    @Override
    public String toString() { return this == PER_TENSOR ? "per tensor" : "per channel"; }
}
