package dev.lanes.engine.ternary;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops of {@link VectorTernary#gemm}, vectorised along the columns of X and C. Each row of W is
 * first turned into two index lists, the offsets in X of the rows under its plus codes and under its minus
 * codes (zero codes cost nothing after that); then a tile of C's row is the sum of the X rows of one list
 * minus the sum of the other's, loaded and added a vector at a time, times the row's scale. Rows of W are
 * indexed a block at a time (per-thread scratch of at most {@link #INDEX_INTS} ints) and the column tiles run
 * outermost inside a block, so one tile's strip of X is reused by every row of the block while it is cached.
 *
 * <p>Per element the plus and minus sums run in ascending p from zero, as in {@link ScalarTernary}, and the
 * result is (plus − minus) · scale (+ bias) (+ old C) in the same order: the same bits as the reference.
 */
final class VectorTernaryGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns per full tile: two vectors, so a plus and a minus pair of accumulators keep 4 add chains busy. */
    static final int TILE = 2 * L;
    /** Index scratch per thread: 64 K ints (256 KB), at least one row. */
    static final int INDEX_INTS = 1 << 16;
    private static final ThreadLocal<int[][]> INDEX = ThreadLocal.withInitial(() -> new int[1][0]);

    private VectorTernaryGemm() {}

    /** This thread's index scratch of at least {@code size} ints. */
    private static int[] indexScratch(int size) {
        int[][] holder = INDEX.get();
        if (holder[0].length < size) holder[0] = new int[size];
        return holder[0];
    }

    /** Rows [i0, i1) of C (arguments as in {@link TernaryKernels#gemm}, already checked). */
    static void rows(int i0, int i1, int n, int k, int[] codes, float[] scales, boolean perRow, float[] bias,
                     float[] x, int xOff, int ldx, boolean accumulate, float[] c, int cOff, int ldc) {
        int block = Math.max(1, Math.min(i1 - i0, INDEX_INTS / Math.max(1, k + 2)));
        int counts = block * k;
        int[] idx = indexScratch(counts + 2 * block);
        int full = n - n % TILE;
        for (int b0 = i0; b0 < i1; b0 += block) {
            int b1 = Math.min(i1, b0 + block);
            for (int i = b0; i < b1; i++) index(codes, i, k, xOff, ldx, idx, (i - b0) * k, counts + 2 * (i - b0));
            for (int j = 0; j < full; j += TILE) {
                for (int i = b0; i < b1; i++) {
                    int r = i - b0, base = r * k;
                    tile(idx, base, base + k - 1, idx[counts + 2 * r], idx[counts + 2 * r + 1], x, j,
                            scales[perRow ? i : 0], bias, i, accumulate, c, cOff + i * ldc + j);
                }
            }
            if (full == n) continue;
            for (int i = b0; i < b1; i++) {
                int r = i - b0, base = r * k, np = idx[counts + 2 * r], nm = idx[counts + 2 * r + 1];
                float scale = scales[perRow ? i : 0];
                int j = full;
                if (n - j >= L) {
                    narrow(idx, base, base + k - 1, np, nm, x, j, scale, bias, i, accumulate, c, cOff + i * ldc + j);
                    j += L;
                }
                if (j < n) partial(idx, base, base + k - 1, np, nm, x, j, n - j, scale, bias, i, accumulate, c, cOff + i * ldc + j);
            }
        }
    }

    /**
     * Row i's lists: plus offsets ascending from {@code idx[base]}, minus offsets from {@code idx[base + k - 1]}
     * downwards (the q-th minus term at base + k - 1 - q), their counts at {@code idx[countAt]} and after.
     * Branch-free: every offset is written to both lists and only the right count moves (the two write slots
     * never hold a term of the other list, since np + nm stays below k until the last code).
     */
    private static void index(int[] codes, int i, int k, int xOff, int ldx, int[] idx, int base, int countAt) {
        int np = 0, nm = 0, top = base + k - 1, e = i * k, off = xOff;
        for (int p = 0; p < k; p++, e++, off += ldx) {
            int code = (codes[e >>> 4] >>> ((e & 15) << 1)) & 3;
            idx[base + np] = off;
            idx[top - nm] = off;
            np += code >>> 1;
            nm += ((code | (code >>> 1)) ^ 1) & 1;
        }
        idx[countAt] = np;
        idx[countAt + 1] = nm;
    }

    /** A full TILE of row i from column j: plus and minus terms interleaved while both lists last. */
    private static void tile(int[] idx, int base, int top, int np, int nm, float[] x, int j, float scale,
                             float[] bias, int i, boolean accumulate, float[] c, int co) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, m0 = p0, m1 = p0;
        int both = Math.min(np, nm), q = 0;
        for (; q < both; q++) {
            int a = idx[base + q] + j, d = idx[top - q] + j;
            p0 = p0.add(FloatVector.fromArray(S, x, a));
            m0 = m0.add(FloatVector.fromArray(S, x, d));
            p1 = p1.add(FloatVector.fromArray(S, x, a + L));
            m1 = m1.add(FloatVector.fromArray(S, x, d + L));
        }
        for (; q < np; q++) {
            int a = idx[base + q] + j;
            p0 = p0.add(FloatVector.fromArray(S, x, a));
            p1 = p1.add(FloatVector.fromArray(S, x, a + L));
        }
        for (; q < nm; q++) {
            int d = idx[top - q] + j;
            m0 = m0.add(FloatVector.fromArray(S, x, d));
            m1 = m1.add(FloatVector.fromArray(S, x, d + L));
        }
        store(p0, m0, scale, bias, i, accumulate, c, co);
        store(p1, m1, scale, bias, i, accumulate, c, co + L);
    }

    /** One vector of columns of row i from column j. */
    private static void narrow(int[] idx, int base, int top, int np, int nm, float[] x, int j,
                               float scale, float[] bias, int i, boolean accumulate, float[] c, int co) {
        FloatVector p0 = FloatVector.zero(S), m0 = p0;
        for (int q = 0; q < np; q++) p0 = p0.add(FloatVector.fromArray(S, x, idx[base + q] + j));
        for (int q = 0; q < nm; q++) m0 = m0.add(FloatVector.fromArray(S, x, idx[top - q] + j));
        store(p0, m0, scale, bias, i, accumulate, c, co);
    }

    /**
     * The last {@code cols} (&lt; L) columns of row i from column j, through masked loads and stores. The mask is
     * made here, not passed in: a mask crossing a call that is not inlined would be boxed on every call.
     */
    private static void partial(int[] idx, int base, int top, int np, int nm, float[] x, int j, int cols,
                                float scale, float[] bias, int i, boolean accumulate, float[] c, int co) {
        VectorMask<Float> lanes = S.indexInRange(0, cols);
        FloatVector p0 = FloatVector.zero(S), m0 = p0;
        for (int q = 0; q < np; q++) p0 = p0.add(FloatVector.fromArray(S, x, idx[base + q] + j, lanes));
        for (int q = 0; q < nm; q++) m0 = m0.add(FloatVector.fromArray(S, x, idx[top - q] + j, lanes));
        FloatVector v = p0.sub(m0).mul(scale);
        if (bias != null) v = v.add(bias[i]);
        if (accumulate) v = FloatVector.fromArray(S, c, co, lanes).add(v);
        v.intoArray(c, co, lanes);
    }

    /** C = (plus − minus) · scale (+ bias) (+ old C), as the reference rounds it. */
    private static void store(FloatVector plus, FloatVector minus, float scale, float[] bias, int i, boolean accumulate,
                              float[] c, int co) {
        FloatVector v = plus.sub(minus).mul(scale);
        if (bias != null) v = v.add(bias[i]);
        if (accumulate) v = FloatVector.fromArray(S, c, co).add(v);
        v.intoArray(c, co);
    }
}
