package dev.lanes.engine.gemm;

import static dev.lanes.engine.gemm.VectorMicroKernel.L;
import static dev.lanes.engine.gemm.VectorMicroKernel.MR;
import static dev.lanes.engine.gemm.VectorMicroKernel.NR;
import static dev.lanes.engine.gemm.VectorMicroKernel.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the k-major strips {@link VectorMicroKernel} reads. Packing absorbs
 * the transposes (so one kernel serves NN, NT, TN and TT) and zero-pads the last strip, so the kernel never
 * needs a bounds test. Each storage order has its own method so C2 compiles each copy loop on its own.
 */
final class GemmPacking {
    /** Four lanes: a quarter of a 4-row group in one step of an A strip. The A copies below go 4 rows at a time. */
    private static final VectorSpecies<Float> QUAD = FloatVector.SPECIES_128;

    static {
        if (MR % 4 != 0) throw new AssertionError("GemmPacking.packA copies groups of 4 rows; MR = " + MR);
    }

    private GemmPacking() {}

    /**
     * Packs op(B)[pc, pc+kc) × [jc, jc+nc) into {@code dst}: strip s holds columns jc + s*NR ..., element
     * (p, jj) at {@code s*kc*NR + p*NR + jj}; columns past jc+nc are zero.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] dst) {
        for (int s = 0, strips = (nc + NR - 1) / NR; s < strips; s++) {
            int j0 = jc + s * NR, w = Math.min(NR, jc + nc - j0);
            if (transB) {
                packBColumns(b, bOff + j0 * ldb + pc, ldb, kc, w, dst, s * kc * NR);
            } else if (w == NR) {
                packBRows(b, bOff + pc * ldb + j0, ldb, kc, dst, s * kc * NR);
            } else {
                packBRowsPartial(b, bOff + pc * ldb + j0, ldb, kc, w, dst, s * kc * NR);
            }
        }
    }

    /**
     * A full strip of B stored k×n: each step p is a contiguous NR-wide piece of a row, two vector copies.
     * Strip by strip so the strip is written sequentially (2.4x faster than row by row over all strips).
     */
    private static void packBRows(float[] b, int src, int ldb, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++) {
            FloatVector.fromArray(SPECIES, b, src + p * ldb).intoArray(dst, d + p * NR);
            FloatVector.fromArray(SPECIES, b, src + p * ldb + L).intoArray(dst, d + p * NR + L);
        }
    }

    /** The last, narrower strip of B stored k×n: {@code w} columns, the rest zero. */
    private static void packBRowsPartial(float[] b, int src, int ldb, int kc, int w, float[] dst, int d) {
        for (int p = 0; p < kc; p++) {
            for (int jj = 0; jj < w; jj++) dst[d + p * NR + jj] = b[src + p * ldb + jj];
            for (int jj = w; jj < NR; jj++) dst[d + p * NR + jj] = 0f;
        }
    }

    /**
     * A strip of B stored n×k (transB): column jj of the strip is row j0+jj of B, contiguous in p; read
     * along it and write with stride NR. (An in-register 8×8 transpose measured no faster on AVX2.)
     */
    private static void packBColumns(float[] b, int src, int ldb, int kc, int w, float[] dst, int d) {
        for (int jj = 0; jj < w; jj++) {
            int row = src + jj * ldb;
            for (int p = 0; p < kc; p++) dst[d + p * NR + jj] = b[row + p];
        }
        for (int jj = w; jj < NR; jj++) {
            for (int p = 0; p < kc; p++) dst[d + p * NR + jj] = 0f;
        }
    }

    /**
     * Packs alpha * op(A)[ic, ic+mc) × [pc, pc+kc) into {@code dst}: strip t holds rows ic + t*MR ..., element
     * (r, p) at {@code t*kc*MR + p*MR + r}; rows past ic+mc are zero. Scaling by alpha here costs m*k
     * multiplies instead of m*n, and matches the reference's {@code (alpha * a) * b}.
     */
    static void packA(boolean transA, float alpha, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                      float[] dst) {
        for (int t = 0, strips = (mc + MR - 1) / MR; t < strips; t++) {
            int d = t * kc * MR, i0 = ic + t * MR, h = Math.min(MR, ic + mc - i0);
            if (!transA && h == MR) {
                for (int g = 0; g < MR; g += 4) packARows(alpha, a, aOff + (i0 + g) * lda + pc, lda, kc, dst, d + g);
            } else if (h == MR) {
                for (int g = 0; g < MR; g += 4) packAColumns(alpha, a, aOff + pc * lda + i0 + g, lda, kc, dst, d + g);
            } else {
                packAPartial(transA, alpha, a, aOff, lda, i0, h, pc, kc, dst, d);
            }
        }
    }

    /**
     * Four rows of A stored m×k (one 4-row group of a strip, written at {@code d}, MR floats per step) read
     * side by side and interleaved, two steps of p at a time with all loads before the stores (1.6x faster
     * than load-store pairs, which C2 must keep in order as dst may alias a).
     */
    private static void packARows(float alpha, float[] a, int s0, int lda, int kc, float[] dst, int d) {
        int s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, p = 0;
        for (; p + 1 < kc; p += 2) {
            float x0 = a[s0 + p], x1 = a[s1 + p], x2 = a[s2 + p], x3 = a[s3 + p];
            float y0 = a[s0 + p + 1], y1 = a[s1 + p + 1], y2 = a[s2 + p + 1], y3 = a[s3 + p + 1];
            int o = d + p * MR;
            dst[o] = alpha * x0;
            dst[o + 1] = alpha * x1;
            dst[o + 2] = alpha * x2;
            dst[o + 3] = alpha * x3;
            dst[o + MR] = alpha * y0;
            dst[o + MR + 1] = alpha * y1;
            dst[o + MR + 2] = alpha * y2;
            dst[o + MR + 3] = alpha * y3;
        }
        if (p < kc) {
            int o = d + p * MR;
            dst[o] = alpha * a[s0 + p];
            dst[o + 1] = alpha * a[s1 + p];
            dst[o + 2] = alpha * a[s2 + p];
            dst[o + 3] = alpha * a[s3 + p];
        }
    }

    /** A stored k×m (transA): row p holds the 4 values of the group's step p next to each other, one 4-lane copy. */
    private static void packAColumns(float alpha, float[] a, int src, int lda, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++) {
            FloatVector.fromArray(QUAD, a, src + p * lda).mul(alpha).intoArray(dst, d + p * MR);
        }
    }

    /** The last strip with {@code h < MR} rows, either storage order; missing rows are zero. */
    private static void packAPartial(boolean transA, float alpha, float[] a, int aOff, int lda, int i0, int h,
                                     int pc, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++) {
            for (int r = 0; r < MR; r++) {
                float v = r >= h ? 0f : transA ? a[aOff + (pc + p) * lda + i0 + r] : a[aOff + (i0 + r) * lda + pc + p];
                dst[d + p * MR + r] = alpha * v;
            }
        }
    }
}
