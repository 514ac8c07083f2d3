package dev.lanes.engine.ternary;

import static dev.lanes.engine.ternary.VectorTernaryGemm.L;
import static dev.lanes.engine.ternary.VectorTernaryGemm.S;

import dev.lanes.engine.VectorSums;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The small-batch linear layer of {@link VectorTernary}: each output is a dot product of a code row with an
 * input row, vectorised along the input. L codes at a time become two lane masks (plus codes and minus codes:
 * a shift, an and, a bit compress each), under which the input vector is added to a plus and to a minus
 * accumulator; two vectors per step, so four add chains run at once. The last partial vector is loaded and
 * masked, so there is no scalar tail. Lanes are summed by {@link VectorSums}, in a fixed order.
 */
final class VectorTernaryDots {
    private static final int EVEN_BITS = 0x5555_5555;
    static final long ALL_LANES = L == 64 ? -1L : (1L << L) - 1;

    private VectorTernaryDots() {}

    /** Outputs [o0, o1) of every sample (arguments as in {@link TernaryKernels#linear}, already checked). */
    static void outputs(int o0, int o1, int batch, int in, int out, int[] codes, float[] scales, boolean perRow,
                        float[] bias, float[] x, int xOff, float[] y, int yOff) {
        for (int o = o0; o < o1; o++) {
            float scale = scales[perRow ? o : 0];
            for (int b = 0; b < batch; b++) {
                float v = dot(codes, o * in, in, x, xOff + b * in) * scale;
                y[yOff + b * out + o] = bias == null ? v : v + bias[o];
            }
        }
    }

    /** Σ_p (code(e0 + p) − 1) · x[xo + p] for p &lt; len, without multiplying. */
    static float dot(int[] codes, int e0, int len, float[] x, int xo) {
        FloatVector p0 = FloatVector.zero(S), m0 = p0, p1 = p0, m1 = p0;
        int q = 0;
        for (; q + 2 * L <= len; q += 2 * L) {
            int bits = window(codes, e0 + q);
            FloatVector v = FloatVector.fromArray(S, x, xo + q);
            p0 = p0.add(v, VectorMask.fromLong(S, plus(bits) & ALL_LANES));
            m0 = m0.add(v, VectorMask.fromLong(S, minus(bits) & ALL_LANES));
            bits = window(codes, e0 + q + L);
            v = FloatVector.fromArray(S, x, xo + q + L);
            p1 = p1.add(v, VectorMask.fromLong(S, plus(bits) & ALL_LANES));
            m1 = m1.add(v, VectorMask.fromLong(S, minus(bits) & ALL_LANES));
        }
        for (; q < len; q += L) {
            int rest = Math.min(L, len - q);
            long lanes = rest == L ? ALL_LANES : (1L << rest) - 1;
            int bits = window(codes, e0 + q);
            FloatVector v = FloatVector.fromArray(S, x, xo + q, VectorMask.fromLong(S, lanes));
            p0 = p0.add(v, VectorMask.fromLong(S, plus(bits) & lanes));
            m0 = m0.add(v, VectorMask.fromLong(S, minus(bits) & lanes));
        }
        return VectorSums.sum(p0.sub(m0).add(p1.sub(m1)));
    }

    /** Codes e .. e + 15 in the low to high bit pairs of an int (codes past the array read as 0). */
    static int window(int[] codes, int e) {
        int w = e >>> 4, shift = (e & 15) << 1;
        long lo = Integer.toUnsignedLong(codes[w]);
        long hi = w + 1 < codes.length ? codes[w + 1] : 0;
        return (int) ((lo | hi << 32) >>> shift);
    }

    /** Bit j set where code j of the window is +α (code 2: its high bit). */
    static long plus(int bits) {
        return Integer.compress((bits >>> 1) & EVEN_BITS, EVEN_BITS);
    }

    /** Bit j set where code j is −α (code 0: neither bit). */
    static long minus(int bits) {
        return Integer.compress(~(bits | (bits >>> 1)) & EVEN_BITS, EVEN_BITS);
    }
}
