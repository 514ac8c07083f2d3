package dev.lanes.engine.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner kernels of {@link VectorGemm}: an {@link #MR}×{@link #NR} tile of C from a packed
 * A strip (k-major, MR floats per step) and a packed B strip (k-major, NR floats per step). Every element of
 * C is one fused chain {@code acc = fma(a, b, acc)} over p from zero in every kernel here, merged into C by
 * the same {@link #merge}, so an element gets the same bits whichever tile (full, edge, half, 4-row)
 * computes it.
 *
 * <p>The tile is derived from the vector width. 512-bit species (AVX-512, 32 vector registers): 12 rows ×
 * 2 vectors, 24 accumulators. 256 bits or less (AVX2 and SSE have 16 registers; NEON has 32 but is taken
 * as 16): 4 rows × 2 vectors, 8 accumulators + 2 B vectors + 1 broadcast.
 * Measured on packed data in L1 (Xeon, Sapphire Rapids class, 2.7 GHz: 172 GFLOPS peak at 512 bits, 86 at
 * 256; JDK 25 C2; a stand-alone loop over one tile, kc = 256):
 * <ul>
 *   <li>512 bits: 4×2 145, 8×2 169, 12×2 174 GFLOPS. In the whole GEMM the B strip streams from L2, and
 *       12 rows read it once per 24 FMAs instead of 8 (4×2: 32 B/cycle from L2, which capped the old 4×2
 *       GEMM at ~80 GFLOPS; 12×2: 11 B/cycle).
 *   <li>256 bits with 16 registers ({@code -XX:UseAVX=2}): 4×2 70, 6×2 55, 8×2 50 GFLOPS: 6×2 (15 live
 *       vectors) already spills under C2. (With {@code -XX:MaxVectorSize=32} on AVX-512, C2 still has 32
 *       registers and 8×2 runs at 82, but a real AVX2 CPU has 16, so the width picks 4×2.)
 * </ul>
 * The loops C2 emits are not the limit (the 12×2 loop runs at the nominal peak) as long as every Vector API
 * call inlines: the kernels end by storing the accumulators into a scratch tile and leave beta to
 * {@link #merge}, because a 12-row tile that also merged each row into C (12 inlined copies of the beta
 * cases) exceeded C2's inlining node budget, boxed its vectors and ran at 9 GFLOPS.
 */
final class VectorMicroKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int L = SPECIES.length();
    /** Vector registers the tile may use: 32 with 512-bit vectors (AVX-512), else 16 (AVX2, SSE). */
    static final int REGISTERS = L >= 16 ? 32 : 16;
    /** Rows of C per tile: 12 with 32 registers, 4 with 16. A multiple of 4 (see {@link GemmPacking}). */
    static final int MR = REGISTERS == 32 ? 12 : 4;
    /** Rows of the smaller kernel that finishes a 12-row strip with at most 8 rows left. */
    static final int MR_SMALL = 4;
    /** Columns of C per tile: two vectors. */
    static final int NR = 2 * L;
    /** Floats of the scratch tile each caller provides: one MR×NR tile at row stride NR. */
    static final int SCRATCH = MR * NR;

    private VectorMicroKernel() {}

    /**
     * C[co + r*ldc + j] = beta * C[...] + sum_p a[ao + p*MR + r] * b[bo + p*NR + j] for r < rows, j < cols,
     * with rows ≤ MR and cols ≤ NR, using {@code scratch[so, so + SCRATCH)}. {@code beta == 0} overwrites C
     * without reading it. Only the rows×cols that exist in C are touched.
     */
    static void tile(int kc, float[] a, int ao, float[] b, int bo, float beta, float[] c, int co, int ldc,
                     int rows, int cols, float[] scratch, int so) {
        boolean half = cols <= L;
        if (MR == 4) {
            if (half) half4(kc, a, ao, b, bo, scratch, so);
            else tile4(kc, a, ao, b, bo, scratch, so);
        } else if (rows > 8) {
            if (half) half12(kc, a, ao, b, bo, scratch, so);
            else tile12(kc, a, ao, b, bo, scratch, so);
        } else {
            // At most 8 rows left of a 12-row strip (m = 16, 64, 1024 leave 4; 32, 128 leave 8): one or two
            // 4-row tiles, the FMAs of an 8-row kernel, a third fewer than the 12-row one. Full width even
            // in the corner (cols <= L), so that no kernel runs as rarely as once per call: a kernel that
            // cold stays in C1 (which allocates for every vector) for hundreds of calls.
            tile4(kc, a, ao, b, bo, scratch, so);
            if (rows > 4) tile4(kc, a, ao + 4, b, bo, scratch, so + 4 * NR);
        }
        if (cols == NR) {
            mergeFull(scratch, so, beta, c, co, ldc, rows);
        } else {
            merge(scratch, so, beta, c, co, ldc, rows, cols);
        }
    }

    /** The 12×(2 vectors) tile into {@code t} (row stride NR): 24 accumulators, 2 B vectors and a broadcast in 32 registers. */
    private static void tile12(int kc, float[] a, int ao, float[] b, int bo, float[] t, int to) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero;
        FloatVector c80 = zero, c81 = zero, c90 = zero, c91 = zero, c100 = zero, c101 = zero, c110 = zero, c111 = zero;
        // Indices are affine in p so C2 hoists the range checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 12, bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(SPECIES, a[ai + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(SPECIES, a[ai + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(SPECIES, a[ai + 10]);
            c100 = x.fma(b0, c100);
            c101 = x.fma(b1, c101);
            x = FloatVector.broadcast(SPECIES, a[ai + 11]);
            c110 = x.fma(b0, c110);
            c111 = x.fma(b1, c111);
        }
        c00.intoArray(t, to);
        c01.intoArray(t, to + L);
        c10.intoArray(t, to + NR);
        c11.intoArray(t, to + NR + L);
        c20.intoArray(t, to + 2 * NR);
        c21.intoArray(t, to + 2 * NR + L);
        c30.intoArray(t, to + 3 * NR);
        c31.intoArray(t, to + 3 * NR + L);
        c40.intoArray(t, to + 4 * NR);
        c41.intoArray(t, to + 4 * NR + L);
        c50.intoArray(t, to + 5 * NR);
        c51.intoArray(t, to + 5 * NR + L);
        c60.intoArray(t, to + 6 * NR);
        c61.intoArray(t, to + 6 * NR + L);
        c70.intoArray(t, to + 7 * NR);
        c71.intoArray(t, to + 7 * NR + L);
        c80.intoArray(t, to + 8 * NR);
        c81.intoArray(t, to + 8 * NR + L);
        c90.intoArray(t, to + 9 * NR);
        c91.intoArray(t, to + 9 * NR + L);
        c100.intoArray(t, to + 10 * NR);
        c101.intoArray(t, to + 10 * NR + L);
        c110.intoArray(t, to + 11 * NR);
        c111.intoArray(t, to + 11 * NR + L);
    }

    /**
     * The 4×(2 vectors) tile into {@code t}, reading rows 0-3 of an MR-row A strip: the whole tile where
     * there are 16 registers, the last rows of a 12-row strip where there are 32 (145 GFLOPS there on its own).
     */
    // The stride is the constant MR, not a parameter: with a stride parameter n = 1024 ran 7% slower with 16
    // registers (61-63 vs 68-70 GFLOPS), as C2 eliminates range checks only for constant scales of p.
    private static void tile4(int kc, float[] a, int ao, float[] b, int bo, float[] t, int to) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        // Indices are affine in p so C2 hoists the range checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR, bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(t, to);
        c01.intoArray(t, to + L);
        c10.intoArray(t, to + NR);
        c11.intoArray(t, to + NR + L);
        c20.intoArray(t, to + 2 * NR);
        c21.intoArray(t, to + 2 * NR + L);
        c30.intoArray(t, to + 3 * NR);
        c31.intoArray(t, to + 3 * NR + L);
    }

    /**
     * The left half of {@link #tile12} (the first L columns of the strip): the last strip of C is often
     * narrower than one vector (n = 196 leaves 4 columns), and this skips half the work there.
     */
    private static void half12(int kc, float[] a, int ao, float[] b, int bo, float[] t, int to) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero, c20 = zero, c30 = zero, c40 = zero, c50 = zero, c60 = zero, c70 = zero;
        FloatVector c80 = zero, c90 = zero, c100 = zero, c110 = zero;
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 12, bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            c00 = FloatVector.broadcast(SPECIES, a[ai]).fma(b0, c00);
            c10 = FloatVector.broadcast(SPECIES, a[ai + 1]).fma(b0, c10);
            c20 = FloatVector.broadcast(SPECIES, a[ai + 2]).fma(b0, c20);
            c30 = FloatVector.broadcast(SPECIES, a[ai + 3]).fma(b0, c30);
            c40 = FloatVector.broadcast(SPECIES, a[ai + 4]).fma(b0, c40);
            c50 = FloatVector.broadcast(SPECIES, a[ai + 5]).fma(b0, c50);
            c60 = FloatVector.broadcast(SPECIES, a[ai + 6]).fma(b0, c60);
            c70 = FloatVector.broadcast(SPECIES, a[ai + 7]).fma(b0, c70);
            c80 = FloatVector.broadcast(SPECIES, a[ai + 8]).fma(b0, c80);
            c90 = FloatVector.broadcast(SPECIES, a[ai + 9]).fma(b0, c90);
            c100 = FloatVector.broadcast(SPECIES, a[ai + 10]).fma(b0, c100);
            c110 = FloatVector.broadcast(SPECIES, a[ai + 11]).fma(b0, c110);
        }
        c00.intoArray(t, to);
        c10.intoArray(t, to + NR);
        c20.intoArray(t, to + 2 * NR);
        c30.intoArray(t, to + 3 * NR);
        c40.intoArray(t, to + 4 * NR);
        c50.intoArray(t, to + 5 * NR);
        c60.intoArray(t, to + 6 * NR);
        c70.intoArray(t, to + 7 * NR);
        c80.intoArray(t, to + 8 * NR);
        c90.intoArray(t, to + 9 * NR);
        c100.intoArray(t, to + 10 * NR);
        c110.intoArray(t, to + 11 * NR);
    }

    /** The left half of {@link #tile4}, as {@link #half12}: the last column strip with 16 registers. */
    private static void half4(int kc, float[] a, int ao, float[] b, int bo, float[] t, int to) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c10 = zero, c20 = zero, c30 = zero;
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR, bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            c00 = FloatVector.broadcast(SPECIES, a[ai]).fma(b0, c00);
            c10 = FloatVector.broadcast(SPECIES, a[ai + 1]).fma(b0, c10);
            c20 = FloatVector.broadcast(SPECIES, a[ai + 2]).fma(b0, c20);
            c30 = FloatVector.broadcast(SPECIES, a[ai + 3]).fma(b0, c30);
        }
        c00.intoArray(t, to);
        c10.intoArray(t, to + NR);
        c20.intoArray(t, to + 2 * NR);
        c30.intoArray(t, to + 3 * NR);
    }


    /** {@code rows} full-width rows of the scratch tile into C: C = acc (beta 0), C + acc (beta 1) or beta*C + acc, fused. */
    private static void mergeFull(float[] t, int to, float beta, float[] c, int co, int ldc, int rows) {
        for (int r = 0; r < rows; r++) {
            int ci = co + r * ldc, ti = to + r * NR;
            FloatVector v0 = FloatVector.fromArray(SPECIES, t, ti), v1 = FloatVector.fromArray(SPECIES, t, ti + L);
            if (beta != 0f) {
                FloatVector old0 = FloatVector.fromArray(SPECIES, c, ci), old1 = FloatVector.fromArray(SPECIES, c, ci + L);
                if (beta == 1f) {
                    v0 = old0.add(v0);
                    v1 = old1.add(v1);
                } else {
                    FloatVector vb = FloatVector.broadcast(SPECIES, beta);
                    v0 = old0.fma(vb, v0);
                    v1 = old1.fma(vb, v1);
                }
            }
            v0.intoArray(c, ci);
            v1.intoArray(c, ci + L);
        }
    }

    /** The rows×cols corner of the scratch tile into C, with the same arithmetic as {@link #mergeFull}. */
    private static void merge(float[] t, int to, float beta, float[] c, int co, int ldc, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int ci = co + r * ldc, ti = to + r * NR;
            for (int j = 0; j < cols; j++) {
                float acc = t[ti + j];
                c[ci + j] = beta == 0f ? acc : beta == 1f ? c[ci + j] + acc : Math.fma(c[ci + j], beta, acc);
            }
        }
    }
}
