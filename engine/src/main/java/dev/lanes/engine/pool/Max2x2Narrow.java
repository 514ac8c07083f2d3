package dev.lanes.engine.pool;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Max2x2Full}'s loop with 128-bit vectors (4 lanes), for planes whose output rows are narrower than a
 * preferred vector: lenet5's and small-cnn's 14-, 7- and 5-wide outputs at 512 bits, where the plain loop took
 * 12-14 ns per output against 1.2-1.7 for these vectors (measured on the AMD EPYC Zen 5). One narrow width rather
 * than every halving: it covers all rows of 4 outputs or more, and the plain loop is only left for rows of 1-3.
 */
final class Max2x2Narrow {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
    static final int L = S.length();
    private static final VectorSpecies<Integer> INTS = S.withLanes(int.class);
    private static final IntVector EVEN = IntVector.fromArray(INTS, Max2x2Shuffles.even(L), 0), ZERO = IntVector.zero(INTS),
            ONE = IntVector.broadcast(INTS, 1);
    private static final VectorShuffle<Float> EVEN_LO = VectorShuffle.fromArray(S, Max2x2Shuffles.evenLo(L), 0),
            EVEN_HI = VectorShuffle.fromArray(S, Max2x2Shuffles.evenHi(L), 0), ODD_LO = VectorShuffle.fromArray(S, Max2x2Shuffles.oddLo(L), 0),
            ODD_HI = VectorShuffle.fromArray(S, Max2x2Shuffles.oddHi(L), 0);
    private static final VectorMask<Float> HI = VectorMask.fromArray(S, Max2x2Shuffles.highHalf(L), 0);

    private Max2x2Narrow() {}

    /** One plane, {@code ow >= L}; {@code o} is the plane's first output index. */
    static void plane(PoolShape s, float[] x, int in, float[] y, int yOff, int[] argmax, int o) {
        int w = s.inWidth(), oh = s.outHeight(), ow = s.outWidth(), last = ow - L;
        for (int i = 0; i < oh; i++) {
            int r0 = 2 * i * w, out = o + i * ow;
            for (int j = 0; ; j += L) {
                if (j > last) {
                    if (j == last + L) break;
                    j = last; // one overlapping vector for the tail: it rewrites the same values
                }
                int a = r0 + 2 * j, p = in + a;
                FloatVector t0 = FloatVector.fromArray(S, x, p), t1 = FloatVector.fromArray(S, x, p + L);
                FloatVector b0 = FloatVector.fromArray(S, x, p + w), b1 = FloatVector.fromArray(S, x, p + w + L);
                FloatVector best = t0.rearrange(EVEN_LO).blend(t1.rearrange(EVEN_HI), HI);
                FloatVector v = t0.rearrange(ODD_LO).blend(t1.rearrange(ODD_HI), HI);
                // window order (0,0) (0,1) (1,0) (1,1); a later element wins when greater or NaN
                VectorMask<Float> m = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                best = best.blend(v, m);
                IntVector d = ZERO.blend(ONE, m.cast(INTS));
                v = b0.rearrange(EVEN_LO).blend(b1.rearrange(EVEN_HI), HI);
                m = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                best = best.blend(v, m);
                d = d.blend(w, m.cast(INTS));
                v = b0.rearrange(ODD_LO).blend(b1.rearrange(ODD_HI), HI);
                m = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                best = best.blend(v, m);
                d = d.blend(w + 1, m.cast(INTS));
                best.intoArray(y, yOff + out + j);
                d.add(EVEN).add(a).intoArray(argmax, out + j);
            }
        }
    }
}
