package dev.lanes.engine.gemm;

import dev.lanes.engine.Shapes;

/**
 * The argument checks both GEMM implementations run before touching memory. They run on every call (a small-cnn
 * training step makes ~260), so each check is a plain comparison first and the message naming the shapes is
 * built only when one fails: a passing check allocates nothing.
 */
final class GemmChecks {
    private GemmChecks() {}

    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        if (lda < Math.max(1, aCols)) throw badLd("A", lda, aCols, transA, transB, m, n, k);
        if (ldb < Math.max(1, bCols)) throw badLd("B", ldb, bCols, transA, transB, m, n, k);
        if (ldc < Math.max(1, n)) throw badLd("C", ldc, n, transA, transB, m, n, k);
        if (m == 0 || n == 0) return;
        if (k > 0) {
            long aSpan = span(aRows, aCols, lda), bSpan = span(bRows, bCols, ldb);
            if (!Shapes.fits(a, aOff, aSpan)) {
                Shapes.requireRange("sgemm A", a, aOff, aSpan, shapes(transA, transB, m, n, k));
            }
            if (!Shapes.fits(b, bOff, bSpan)) {
                Shapes.requireRange("sgemm B", b, bOff, bSpan, shapes(transA, transB, m, n, k));
            }
        }
        long cSpan = span(m, n, ldc);
        if (!Shapes.fits(c, cOff, cSpan)) {
            Shapes.requireRange("sgemm C", c, cOff, cSpan, shapes(transA, transB, m, n, k));
        }
    }

    /** The logical shapes of a call, for error messages only. */
    private static String shapes(boolean transA, boolean transB, int m, int n, int k) {
        return "op(A) " + m + "x" + k + (transA ? " (A stored " + k + "x" + m + ")" : "")
                + ", op(B) " + k + "x" + n + (transB ? " (B stored " + n + "x" + k + ")" : "")
                + ", C " + m + "x" + n;
    }

    private static IllegalArgumentException badLd(String name, int ld, int cols, boolean transA, boolean transB,
                                                  int m, int n, int k) {
        return new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld + " but its rows have "
                + cols + " columns; " + shapes(transA, transB, m, n, k));
    }

    /** Floats a rows×cols matrix with row stride ld occupies. */
    private static long span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }
}
