package dev.lanes.engine.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VectorColumnOps} against the plain-Java {@link ColumnOps#SCALAR} on random row counts, lengths
 * (every width below, at and above one, half and a quarter of a vector), strides and offsets; copies and
 * adds must match bit for bit and leave everything outside the rows untouched.
 */
class ColumnOpsProperties {
    private static final ColumnOps VECTOR = new VectorColumnOps();

    @Property(tries = 300)
    void copyAndAddMatchTheReference(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 70) int len,
                                     @ForAll @IntRange(min = 0, max = 9) int srcGap, @ForAll @IntRange(min = 0, max = 9) int dstGap,
                                     @ForAll @IntRange(min = 0, max = 7) int srcOff, @ForAll @IntRange(min = 0, max = 7) int dstOff,
                                     @ForAll long seed) {
        Random rnd = new Random(seed);
        int srcStride = len + srcGap, dstStride = len + dstGap;
        float[] src = random(rnd, srcOff + rows * srcStride + 3), dst = random(rnd, dstOff + rows * dstStride + 3);
        float[] want = dst.clone(), got = dst.clone();
        ColumnOps.SCALAR.copy(src, srcOff, srcStride, want, dstOff, dstStride, rows, len);
        VECTOR.copy(src, srcOff, srcStride, got, dstOff, dstStride, rows, len);
        assertArrayEquals(want, got, "copy of " + rows + " rows of " + len);
        want = dst.clone();
        got = dst.clone();
        ColumnOps.SCALAR.add(src, srcOff, srcStride, want, dstOff, dstStride, rows, len);
        VECTOR.add(src, srcOff, srcStride, got, dstOff, dstStride, rows, len);
        assertArrayEquals(want, got, "add of " + rows + " rows of " + len);
    }

    @Property(tries = 200)
    void dotRowsAndSumsMatchTheReference(@ForAll @IntRange(min = 1, max = 6) int rowsA, @ForAll @IntRange(min = 1, max = 9) int rowsB,
                                         @ForAll @IntRange(min = 1, max = 80) int len, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        int lda = len + 1, ldb = len + 2;
        float[] a = random(rnd, rowsA * lda), b = random(rnd, rowsB * ldb), c = random(rnd, rowsA * rowsB);
        float[] want = c.clone(), got = c.clone();
        ColumnOps.SCALAR.dotRows(a, 0, lda, rowsA, b, 0, ldb, rowsB, len, want, 0, accumulate);
        VECTOR.dotRows(a, 0, lda, rowsA, b, 0, ldb, rowsB, len, got, 0, accumulate);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5 * (len + Math.abs(want[i])), "dot " + i);
        assertEquals(ColumnOps.SCALAR.sum(a, 1, len - 1), VECTOR.sum(a, 1, len - 1), 1e-5 * len, "sum of " + (len - 1));
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return v;
    }
}
