package dev.lanes.engine.ternary;

import dev.lanes.engine.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops of {@link VectorTernary#gemm}, vectorised along the columns of X and C. Each row of W is
 * first turned into two index lists, the offsets in X of the rows under its plus codes and under its minus
 * codes (zero codes cost nothing after that); then a tile of C's row is the sum of the X rows of one list
 * minus the sum of the other's, loaded and added a vector at a time, times the row's scale. Loops: blocks of
 * rows of W, k blocks of {@link #KC} (each row's lists for that block built once, in per-thread scratch),
 * column tiles, rows: one tile's strip of X (KC × TILE) is reused from L1 by every row of the block.
 *
 * <p>Per element the plus and minus sums run in ascending p from zero, as in {@link ScalarTernary}, and the
 * result is (plus − minus) · scale (+ bias) (+ old C) in the same order: the same bits as the reference.
 */
final class VectorTernaryGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    private static final jdk.incubator.vector.VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /**
     * Index lists by vector compress (AVX-512 vpcompressd): 16 codes become two lane masks and each mask
     * compresses a vector of X offsets into its list, about one instruction per code. The scalar loop costs
     * some ten per code, which at 64 columns (a batch-64 linear layer) took longer than the additions. Only
     * where an int vector has the float vector's lanes and 16 of them, since compress without AVX-512 is emulated.
     * Measured as {@link #KC}: batch-64 784→256 1146 → 773 µs, conv 32→64 3×3 at 14×14 batch 1 195 → 141 µs.
     */
    private static final boolean COMPRESS = I.length() == L && L == 16;
    /** Columns per full tile: two vectors, so a plus and a minus pair of accumulators keep 4 add chains busy. */
    static final int TILE = 2 * L;
    /**
     * Depth of a k block: the block's strip of X, KC rows of one TILE, stays in L1 (24 KB) while every row of
     * the row block runs over it; without it a 784-deep strip (100 KB) streams from L2 for every row. Measured
     * (thread CPU time, medians of alternating rounds, 1 thread, Xeon AVX-512): batch-64 784→256 774 → 574 µs,
     * the 14×14 conv unchanged. With the scalar index loop the shorter lists made it 4-6× slower instead (not
     * understood; loop overhead per block is not enough to explain it), so without compress k is not blocked.
     */
    static final int KC = COMPRESS ? Math.max(16, 6144 / TILE) : Integer.MAX_VALUE;
    /** Index scratch per thread: 64 K ints (256 KB), at least one row. */
    static final int INDEX_INTS = 1 << 16;
    /** Running sums per thread between k blocks: 64 K floats (256 KB). */
    static final int PARTIAL_FLOATS = 1 << 16;
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
        int kc = evenBlock(k, KC);
        // per row of the block: the plus list, the minus list, each kc long plus a vector of slack (compress
        // stores whole vectors); the counts after all rows
        int stride = 2 * (kc + L);
        int block = Math.max(1, Math.min(i1 - i0, Math.min(INDEX_INTS / (stride + 2), PARTIAL_FLOATS / (2 * n))));
        int counts = block * stride;
        int[] idx = indexScratch(counts + 2 * block);
        // the running plus and minus sums of each row of the block between k blocks: row r at r*2n, minus after n
        float[] part = k > kc ? Workspace.floats(Workspace.SCRATCH, block * 2 * n) : null;
        int full = n - n % TILE;
        for (int b0 = i0; b0 < i1; b0 += block) {
            int b1 = Math.min(i1, b0 + block);
            for (int p0 = 0; p0 < Math.max(1, k); p0 += kc) {
                int p1 = Math.min(k, p0 + kc);
                // 0: the sums start at zero and end in C; 1: start at zero, end in part; 2: part to part; 3: part to C
                int mode = p0 == 0 ? (p1 == k ? 0 : 1) : (p1 == k ? 3 : 2);
                for (int i = b0; i < b1; i++) {
                    int pb = (i - b0) * stride;
                    if (COMPRESS) compressIndex(codes, i, k, p0, p1, xOff, ldx, idx, pb, pb + kc + L, counts + 2 * (i - b0));
                    else index(codes, i, k, p0, p1, xOff, ldx, idx, pb, pb + kc + L, counts + 2 * (i - b0));
                }
                for (int j = 0; j < full; j += TILE) {
                    for (int i = b0; i < b1; i++) {
                        int r = i - b0, base = r * stride;
                        tile(idx, base, base + kc + L, idx[counts + 2 * r], idx[counts + 2 * r + 1], x, j,
                                scales[perRow ? i : 0], bias, i, accumulate, c, cOff + i * ldc + j, mode, part, r * 2 * n + j, n);
                    }
                }
                if (full == n) continue;
                for (int i = b0; i < b1; i++) {
                    int r = i - b0, base = r * stride, np = idx[counts + 2 * r], nm = idx[counts + 2 * r + 1];
                    float scale = scales[perRow ? i : 0];
                    for (int j = full; j < n; j += L) {
                        narrow(idx, base, base + kc + L, np, nm, x, j, Math.min(L, n - j), scale, bias, i, accumulate,
                                c, cOff + i * ldc + j, mode, part, r * 2 * n + j, n);
                    }
                }
            }
        }
    }

    /** Splits {@code total} into the fewest blocks of at most {@code max}, evened out; depends on k alone. */
    private static int evenBlock(int total, int max) {
        int blocks = (int) Math.max(1, ((long) total + max - 1) / max);
        return (int) Math.max(1, ((long) total + blocks - 1) / blocks);
    }

    /**
     * Row i's lists for codes [p0, p1): the offsets in X of the rows under plus codes, ascending from
     * {@code idx[pbase]}, and under minus codes from {@code idx[mbase]}; their counts at {@code idx[countAt]}
     * and after. Branch-free: every offset is written to both lists and only the right count moves.
     */
    private static void index(int[] codes, int i, int k, int p0, int p1, int xOff, int ldx, int[] idx,
                              int pbase, int mbase, int countAt) {
        int np = 0, nm = 0, e = i * k + p0, off = xOff + p0 * ldx;
        for (int p = p0; p < p1; p++, e++, off += ldx) {
            int code = (codes[e >>> 4] >>> ((e & 15) << 1)) & 3;
            idx[pbase + np] = off;
            idx[mbase + nm] = off;
            np += code >>> 1;
            nm += ((code | (code >>> 1)) ^ 1) & 1;
        }
        idx[countAt] = np;
        idx[countAt + 1] = nm;
    }

    /** {@link #index} by vector compress, L codes at a time; each list needs L ints of slack past its end. */
    private static void compressIndex(int[] codes, int i, int k, int p0, int p1, int xOff, int ldx, int[] idx,
                                      int pbase, int mbase, int countAt) {
        IntVector lanes = IntVector.zero(I).addIndex(ldx); // lane * ldx
        int np = 0, nm = 0, e = i * k + p0, off = xOff + p0 * ldx, step = L * ldx;
        for (int p = p0; p < p1; p += L, e += L, off += step) {
            int rest = p1 - p;
            long valid = rest >= L ? VectorTernaryDots.ALL_LANES : (1L << rest) - 1;
            int bits = VectorTernaryDots.window(codes, e);
            long plus = VectorTernaryDots.plus(bits) & valid, minus = VectorTernaryDots.minus(bits) & valid;
            IntVector offsets = lanes.add(off);
            offsets.compress(VectorMask.fromLong(I, plus)).intoArray(idx, pbase + np);
            offsets.compress(VectorMask.fromLong(I, minus)).intoArray(idx, mbase + nm);
            np += Long.bitCount(plus);
            nm += Long.bitCount(minus);
        }
        idx[countAt] = np;
        idx[countAt + 1] = nm;
    }

    /**
     * A full TILE of row i from column j, over one k block: plus and minus terms interleaved while both lists
     * last. The sums start at zero or from {@code part} and end in C or in {@code part} ({@code mode}, see
     * {@link #rows}); parking them between k blocks keeps each one sequential chain, as in the reference.
     */
    private static void tile(int[] idx, int base, int mbase, int np, int nm, float[] x, int j, float scale,
                             float[] bias, int i, boolean accumulate, float[] c, int co, int mode, float[] part, int po, int n) {
        FloatVector p0, p1, m0, m1;
        if (mode >= 2) {
            p0 = FloatVector.fromArray(S, part, po);
            p1 = FloatVector.fromArray(S, part, po + L);
            m0 = FloatVector.fromArray(S, part, po + n);
            m1 = FloatVector.fromArray(S, part, po + n + L);
        } else {
            p0 = p1 = m0 = m1 = FloatVector.zero(S);
        }
        int both = Math.min(np, nm), q = 0;
        for (; q < both; q++) {
            int a = idx[base + q] + j, d = idx[mbase + q] + j;
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
            int d = idx[mbase + q] + j;
            m0 = m0.add(FloatVector.fromArray(S, x, d));
            m1 = m1.add(FloatVector.fromArray(S, x, d + L));
        }
        if (mode == 1 || mode == 2) {
            p0.intoArray(part, po);
            p1.intoArray(part, po + L);
            m0.intoArray(part, po + n);
            m1.intoArray(part, po + n + L);
        } else {
            // written out here rather than in a helper taking vectors: C2 declined to inline such a helper into
            // this method ("too big") in one JMH fork, and then boxed every vector it was passed (22 MB a call)
            FloatVector v0 = p0.sub(m0).mul(scale), v1 = p1.sub(m1).mul(scale);
            if (bias != null) {
                v0 = v0.add(bias[i]);
                v1 = v1.add(bias[i]);
            }
            if (accumulate) {
                v0 = FloatVector.fromArray(S, c, co).add(v0);
                v1 = FloatVector.fromArray(S, c, co + L).add(v1);
            }
            v0.intoArray(c, co);
            v1.intoArray(c, co + L);
        }
    }

    /**
     * {@code cols} ≤ L columns of row i from column j, as {@link #tile} does two vectors; masked loads and
     * stores when cols &lt; L. The mask is made here, not passed in: a mask crossing a call that is not inlined
     * would be boxed on every call.
     */
    private static void narrow(int[] idx, int base, int mbase, int np, int nm, float[] x, int j, int cols,
                               float scale, float[] bias, int i, boolean accumulate, float[] c, int co,
                               int mode, float[] part, int po, int n) {
        VectorMask<Float> lanes = S.indexInRange(0, cols);
        FloatVector p0, m0;
        if (mode >= 2) {
            p0 = FloatVector.fromArray(S, part, po, lanes);
            m0 = FloatVector.fromArray(S, part, po + n, lanes);
        } else {
            p0 = m0 = FloatVector.zero(S);
        }
        for (int q = 0; q < np; q++) p0 = p0.add(FloatVector.fromArray(S, x, idx[base + q] + j, lanes));
        for (int q = 0; q < nm; q++) m0 = m0.add(FloatVector.fromArray(S, x, idx[mbase + q] + j, lanes));
        if (mode == 1 || mode == 2) {
            p0.intoArray(part, po, lanes);
            m0.intoArray(part, po + n, lanes);
            return;
        }
        FloatVector v = p0.sub(m0).mul(scale);
        if (bias != null) v = v.add(bias[i]);
        if (accumulate) v = FloatVector.fromArray(S, c, co, lanes).add(v);
        v.intoArray(c, co, lanes);
    }
}
