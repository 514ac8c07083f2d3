package dev.lanes.engine.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner kernel of {@link VectorGemm}: an {@link #MR}×{@link #NR} tile of C from a packed
 * A strip (k-major, MR floats per step) and a packed B strip (k-major, NR floats per step).
 *
 * <p>Why 4×(2 vectors): on AVX2 under JDK 25 C2 this keeps 8 accumulators + 2 B vectors + 1 broadcast in the
 * 16 ymm registers and measured ~93 GFLOPS per core (of ~102 peak) on packed data. Measured alternatives on
 * the same harness: 6×16, 5×16 and 4×24 (10-12 accumulators, likely spilling) ran at 33-43, 8×8 at 75, and
 * this kernel hand-unrolled by two steps of p at 83.
 */
final class VectorMicroKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int L = SPECIES.length();
    /** Rows of C per tile. */
    static final int MR = 4;
    /** Columns of C per tile: two vectors. */
    static final int NR = 2 * L;

    private VectorMicroKernel() {}

    /**
     * C[co + r*ldc + j] = beta * C[...] + sum_p a[ao + p*MR + r] * b[bo + p*NR + j] for r < MR, j < NR.
     * {@code beta == 0} overwrites C without reading it; the whole tile must lie inside {@code c}.
     */
    static void tile(int kc, float[] a, int ao, float[] b, int bo, float beta, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
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
        store(c00, c01, beta, c, co);
        store(c10, c11, beta, c, co + ldc);
        store(c20, c21, beta, c, co + 2 * ldc);
        store(c30, c31, beta, c, co + 3 * ldc);
    }

    /** One row of the tile: C = acc (beta 0), C + acc (beta 1) or beta*C + acc, the last fused. */
    private static void store(FloatVector v0, FloatVector v1, float beta, float[] c, int i) {
        if (beta != 0f) {
            FloatVector old0 = FloatVector.fromArray(SPECIES, c, i);
            FloatVector old1 = FloatVector.fromArray(SPECIES, c, i + L);
            if (beta == 1f) {
                v0 = old0.add(v0);
                v1 = old1.add(v1);
            } else {
                FloatVector vb = FloatVector.broadcast(SPECIES, beta);
                v0 = old0.fma(vb, v0);
                v1 = old1.fma(vb, v1);
            }
        }
        v0.intoArray(c, i);
        v1.intoArray(c, i + L);
    }

    /**
     * The left half of {@link #tile} (the first L columns of the strip) into {@code scratch} with row stride
     * NR: the last strip of C is often narrower than one vector (n = 196 leaves 4 columns), and this skips
     * half the work there. Same fma sequence per element as {@link #tile}, so the same bits.
     */
    private static void halfTile(int kc, float[] a, int ao, float[] b, int bo, float[] scratch, int so) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bo + p * NR);
            c0 = FloatVector.broadcast(SPECIES, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, a[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, a[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, a[ai + 3]).fma(b0, c3);
        }
        c0.intoArray(scratch, so);
        c1.intoArray(scratch, so + NR);
        c2.intoArray(scratch, so + 2 * NR);
        c3.intoArray(scratch, so + 3 * NR);
    }

    /**
     * A partial tile (rows {@code < MR} or columns {@code < NR} inside C): the full tile, or its left half
     * when {@code cols <= L}, is computed into {@code scratch[so, so + MR*NR)} and only the {@code rows×cols} that exist are merged into C, with the
     * same arithmetic as {@link #store} so a C element gets the same bits whichever tile it falls in.
     */
    static void edge(int kc, float[] a, int ao, float[] b, int bo, float beta, float[] c, int co, int ldc,
                     int rows, int cols, float[] scratch, int so) {
        if (cols <= L) {
            halfTile(kc, a, ao, b, bo, scratch, so);
        } else {
            tile(kc, a, ao, b, bo, 0f, scratch, so, NR);
        }
        for (int r = 0; r < rows; r++) {
            int ci = co + r * ldc, si = so + r * NR;
            for (int j = 0; j < cols; j++) {
                float acc = scratch[si + j];
                c[ci + j] = beta == 0f ? acc : beta == 1f ? c[ci + j] + acc : Math.fma(c[ci + j], beta, acc);
            }
        }
    }
}
