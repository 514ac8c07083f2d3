package dev.lanes.engine.gemm;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.Parallel;

/**
 * The scalar reference GEMM: a plain i-p-j loop nest (row of C += A[i][p] * row p of B), split over rows
 * of C. Obviously correct, and what serves where the Vector API is absent. Its parallel loop is a reusable
 * per-thread {@link LoopTask}, so a repeated call allocates nothing.
 */
public final class ScalarGemm implements Gemm {
    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        int grain = Math.max(1, (int) (65_536L / Math.max(1L, (long) n * Math.max(k, 1))));
        if (Parallel.chunks(m, grain) == 1) {
            rows(cOff, ldc, n, c, beta, k, alpha, transA, a, aOff, lda, transB, b, bOff, ldb, 0, m);
        } else {
            TASKS.acquire().set(transA, transB, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)
                    .forRange(m, grain);
        }
    }

    /**
     * Rows [from, to) of C. Keep the parameter order (the former lambda body's: C and its sizes first): with
     * the order of {@code sgemm}'s parameters the same loops measured 3.3 instead of 4.9 GFLOPS (n=256, 1
     * thread, JDK 25 C2), presumably because the inner loops' operands then arrive on the stack.
     */
    private static void rows(int cOff, int ldc, int n, float[] c, float beta, int k, float alpha, boolean transA,
                             float[] a, int aOff, int lda, boolean transB, float[] b, int bOff, int ldb, int from, int to) {
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
    }

    /** The arguments of one parallel call, reused so that dispatch allocates nothing (see {@link LoopTask}). */
    private static final class Task extends LoopTask {
        private int n, k, aOff, lda, bOff, ldb, cOff, ldc;
        private boolean transA, transB;
        private float alpha, beta;
        private float[] a, b, c;

        Task set(boolean transA, boolean transB, int n, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            this.transA = transA; this.transB = transB; this.n = n; this.k = k; this.alpha = alpha;
            this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.beta = beta; this.c = c; this.cOff = cOff; this.ldc = ldc;
            return this;
        }

        @Override
        public void run(int chunk, int from, int to) {
            rows(cOff, ldc, n, c, beta, k, alpha, transA, a, aOff, lda, transB, b, bOff, ldb, from, to);
        }

        @Override
        protected void clear() {
            a = b = c = null;
        }
    }
}
