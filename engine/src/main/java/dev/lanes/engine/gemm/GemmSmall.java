package dev.lanes.engine.gemm;

import static dev.lanes.engine.gemm.VectorMicroKernel.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * The unpacked paths of {@link VectorGemm}, for products where packing would cost as much as the multiply:
 * tiny ones, and those with fewer rows than a micro-tile (m < MR, e.g. a batch-1 linear layer), where the
 * packed kernel would waste most of each tile. Each C element is computed by one sequential fused sum
 * whatever the column range, so splitting columns over threads does not change any bit.
 */
final class GemmSmall {
    private GemmSmall() {}

    /** C = beta * C, or zeros when beta == 0 (old NaNs do not survive). */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        int bound = SPECIES.loopBound(n);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc, j = 0;
            if (beta == 0f) {
                FloatVector zero = FloatVector.zero(SPECIES);
                for (; j < bound; j += SPECIES.length()) zero.intoArray(c, ci + j);
                for (; j < n; j++) c[ci + j] = 0f;
            } else if (beta != 1f) {
                for (; j < bound; j += SPECIES.length()) {
                    FloatVector.fromArray(SPECIES, c, ci + j).mul(beta).intoArray(c, ci + j);
                }
                for (; j < n; j++) c[ci + j] *= beta;
            }
        }
    }

    /**
     * Columns [j0, j1) of C = alpha * op(A) * B + beta * C with B stored k×n: each row of C accumulates k
     * scaled rows of B, vectorized along the row.
     */
    static void rowsTimesB(boolean transA, int m, int j0, int j1, int k, float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int width = j1 - j0, bound = SPECIES.loopBound(width);
        scale(m, width, beta, c, cOff + j0, ldc);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc + j0;
            for (int p = 0; p < k; p++) {
                float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                FloatVector va = FloatVector.broadcast(SPECIES, aip);
                int bp = bOff + p * ldb + j0, j = 0;
                for (; j < bound; j += SPECIES.length()) {
                    FloatVector cv = FloatVector.fromArray(SPECIES, c, ci + j);
                    FloatVector.fromArray(SPECIES, b, bp + j).fma(va, cv).intoArray(c, ci + j);
                }
                for (; j < width; j++) c[ci + j] = Math.fma(b[bp + j], aip, c[ci + j]);
            }
        }
    }

    /**
     * Columns [j0, j1) of C = alpha * A * Bᵀ + beta * C with A stored m×k and B stored n×k: every element is
     * a dot product of two contiguous rows, vectorized along k and reduced once at the end.
     */
    static void rowDots(int m, int j0, int j1, int k, float alpha, float[] a, int aOff, int lda,
                        float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int bound = SPECIES.loopBound(k);
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = j0; j < j1; j++) {
                int bj = bOff + j * ldb, p = 0;
                FloatVector acc = FloatVector.zero(SPECIES);
                for (; p < bound; p += SPECIES.length()) {
                    acc = FloatVector.fromArray(SPECIES, a, ai + p).fma(FloatVector.fromArray(SPECIES, b, bj + p), acc);
                }
                // Lanes added in a fixed order: reduceLanes(ADD) leaves the order open, and the JIT tiers
                // could then disagree on the last bit.
                float sum = 0f;
                for (int l = 0; l < SPECIES.length(); l++) sum += acc.lane(l);
                for (; p < k; p++) sum = Math.fma(a[ai + p], b[bj + p], sum);
                int at = cOff + i * ldc + j;
                c[at] = beta == 0f ? alpha * sum : Math.fma(beta, c[at], alpha * sum);
            }
        }
    }
}
