package dev.lanes.engine.gemm;

import dev.lanes.engine.Parallel;

/**
 * The scalar reference GEMM: a plain i-p-j loop nest (row of C += A[i][p] * row p of B), split over rows
 * of C. Obviously correct, and what serves where the Vector API is absent.
 */
public final class ScalarGemm implements Gemm {
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        int grain = Math.max(1, (int) (65_536L / Math.max(1L, (long) n * Math.max(k, 1))));
        Parallel.forRange(m, grain, (chunk, from, to) -> {
            for (int i = from; i < to; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
                for (int p = 0; p < k; p++) {
                    float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                    if (transB) {
                        for (int j = 0; j < n; j++) c[ci + j] += aip * b[bOff + j * ldb + p];
                    } else {
                        int bp = bOff + p * ldb;
                        for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
                    }
                }
            }
        });
    }
}
