package dev.lanes.engine.conv;

import jdk.incubator.vector.FloatVector;
import dev.lanes.engine.VectorSums;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ColumnOps} on the Vector API. A copied or added row is whole vectors plus one last vector ending
 * exactly at the row's end, overlapping the one before: the overlap is rewritten with the same values (for
 * adds, the last sum is taken before the stores it overlaps), so there is no scalar tail and no mask
 * (masked stores are slow on AVX2). Rows shorter than a vector but at least half one take a half-width vector
 * (an 8x8 map's rows are 8 floats, half an AVX-512 vector: adding them in scalar code was 3% of a ResNet-20
 * step on the Xeon); shorter rows go scalar. Each width has its own loop: the Vector API only compiles to
 * vector instructions when the species is a constant, which a species parameter is not.
 * Load this class only when {@code jdk.incubator.vector} is present.
 */
public final class VectorColumnOps implements ColumnOps {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Half the preferred width, or null under 128 bits. */
    private static final VectorSpecies<Float> HALF = SPECIES.vectorBitSize() >= 256
            ? VectorSpecies.of(float.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 2)) : null;

    @Override
    public void copy(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        int lanes = SPECIES.length();
        if (len < lanes) {
            if (HALF != null && len >= HALF.length()) copyHalf(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
            else SCALAR.copy(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
            return;
        }
        int last = len - lanes;
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcStride, d = dstOff + r * dstStride;
            for (int q = 0; q < last; q += lanes) FloatVector.fromArray(SPECIES, src, s + q).intoArray(dst, d + q);
            FloatVector.fromArray(SPECIES, src, s + last).intoArray(dst, d + last);
        }
    }

    @Override
    public void add(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        int lanes = SPECIES.length();
        if (len < lanes) {
            if (HALF != null && len >= HALF.length()) addHalf(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
            else SCALAR.add(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
            return;
        }
        int last = len - lanes;
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcStride, d = dstOff + r * dstStride;
            FloatVector end = FloatVector.fromArray(SPECIES, dst, d + last).add(FloatVector.fromArray(SPECIES, src, s + last));
            for (int q = 0; q < last; q += lanes) {
                FloatVector.fromArray(SPECIES, dst, d + q).add(FloatVector.fromArray(SPECIES, src, s + q)).intoArray(dst, d + q);
            }
            end.intoArray(dst, d + last);
        }
    }

    /** {@link #copy} of rows from half a vector to one vector long: one vector at the start, one ending at the end. */
    private static void copyHalf(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        int last = len - HALF.length();
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcStride, d = dstOff + r * dstStride;
            FloatVector head = FloatVector.fromArray(HALF, src, s), end = FloatVector.fromArray(HALF, src, s + last);
            head.intoArray(dst, d);
            end.intoArray(dst, d + last);
        }
    }

    /** {@link #add} of rows from half a vector to one vector long; both sums are taken before either store. */
    private static void addHalf(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        int last = len - HALF.length();
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcStride, d = dstOff + r * dstStride;
            FloatVector head = FloatVector.fromArray(HALF, dst, d).add(FloatVector.fromArray(HALF, src, s));
            FloatVector end = FloatVector.fromArray(HALF, dst, d + last).add(FloatVector.fromArray(HALF, src, s + last));
            head.intoArray(dst, d);
            end.intoArray(dst, d + last);
        }
    }

    /**
     * Blocks of 2 rows of A × 4 rows of B: 6 loads feed 8 FMAs into 8 accumulators, within AVX2's 16
     * registers. Leftover rows take a 1×1 loop.
     */
    @Override
    public void dotRows(float[] a, int aOff, int lda, int rowsA, float[] b, int bOff, int ldb, int rowsB, int len,
                        float[] c, int cOff, boolean accumulate) {
        int i = 0;
        for (; i + 1 < rowsA; i += 2) {
            int j = 0;
            for (; j + 3 < rowsB; j += 4) {
                block2x4(a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, len, c, cOff + i * rowsB + j, rowsB, accumulate);
            }
            for (; j < rowsB; j++) {
                dot(a, aOff + i * lda, b, bOff + j * ldb, len, c, cOff + i * rowsB + j, accumulate);
                dot(a, aOff + (i + 1) * lda, b, bOff + j * ldb, len, c, cOff + (i + 1) * rowsB + j, accumulate);
            }
        }
        if (i < rowsA) {
            for (int j = 0; j < rowsB; j++) dot(a, aOff + i * lda, b, bOff + j * ldb, len, c, cOff + i * rowsB + j, accumulate);
        }
    }

    private static void block2x4(float[] a, int a0, int lda, float[] b, int b0, int ldb, int len,
                                 float[] c, int c0, int ldc, boolean accumulate) {
        int a1 = a0 + lda, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        FloatVector s00 = FloatVector.zero(SPECIES), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        int lanes = SPECIES.length(), whole = len - len % lanes, q = 0;
        for (; q < whole; q += lanes) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, a, a0 + q), x1 = FloatVector.fromArray(SPECIES, a, a1 + q);
            FloatVector y = FloatVector.fromArray(SPECIES, b, b0 + q);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            y = FloatVector.fromArray(SPECIES, b, b1 + q);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            y = FloatVector.fromArray(SPECIES, b, b2 + q);
            s02 = x0.fma(y, s02);
            s12 = x1.fma(y, s12);
            y = FloatVector.fromArray(SPECIES, b, b3 + q);
            s03 = x0.fma(y, s03);
            s13 = x1.fma(y, s13);
        }
        store(c, c0, VectorSums.sum(s00) + tail(a, a0, b, b0, q, len), accumulate);
        store(c, c0 + 1, VectorSums.sum(s01) + tail(a, a0, b, b1, q, len), accumulate);
        store(c, c0 + 2, VectorSums.sum(s02) + tail(a, a0, b, b2, q, len), accumulate);
        store(c, c0 + 3, VectorSums.sum(s03) + tail(a, a0, b, b3, q, len), accumulate);
        store(c, c0 + ldc, VectorSums.sum(s10) + tail(a, a1, b, b0, q, len), accumulate);
        store(c, c0 + ldc + 1, VectorSums.sum(s11) + tail(a, a1, b, b1, q, len), accumulate);
        store(c, c0 + ldc + 2, VectorSums.sum(s12) + tail(a, a1, b, b2, q, len), accumulate);
        store(c, c0 + ldc + 3, VectorSums.sum(s13) + tail(a, a1, b, b3, q, len), accumulate);
    }

    private static void dot(float[] a, int a0, float[] b, int b0, int len, float[] c, int co, boolean accumulate) {
        FloatVector s = FloatVector.zero(SPECIES);
        int lanes = SPECIES.length(), whole = len - len % lanes, q = 0;
        for (; q < whole; q += lanes) s = FloatVector.fromArray(SPECIES, a, a0 + q).fma(FloatVector.fromArray(SPECIES, b, b0 + q), s);
        store(c, co, VectorSums.sum(s) + tail(a, a0, b, b0, q, len), accumulate);
    }

    private static float tail(float[] a, int a0, float[] b, int b0, int from, int len) {
        float sum = 0f;
        for (int q = from; q < len; q++) sum += a[a0 + q] * b[b0 + q];
        return sum;
    }

    private static void store(float[] c, int o, float value, boolean accumulate) {
        c[o] = accumulate ? c[o] + value : value;
    }

    /** Two vector accumulators (to hide the add latency), then the lanes, then a scalar tail. */
    @Override
    public float sum(float[] a, int off, int len) {
        int lanes = SPECIES.length(), q = 0;
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0;
        for (; q + 2 * lanes <= len; q += 2 * lanes) {
            s0 = s0.add(FloatVector.fromArray(SPECIES, a, off + q));
            s1 = s1.add(FloatVector.fromArray(SPECIES, a, off + q + lanes));
        }
        if (q + lanes <= len) {
            s0 = s0.add(FloatVector.fromArray(SPECIES, a, off + q));
            q += lanes;
        }
        float sum = VectorSums.sum(s0.add(s1));
        for (; q < len; q++) sum += a[off + q];
        return sum;
    }

    @Override
    public String toString() {
        return "vector-" + SPECIES.vectorBitSize();
    }
}
