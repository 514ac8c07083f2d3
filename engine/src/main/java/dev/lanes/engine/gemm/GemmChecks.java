package dev.lanes.engine.gemm;

import dev.lanes.engine.Shapes;

/** The argument checks both GEMM implementations run before touching memory. */
final class GemmChecks {
    private GemmChecks() {}

    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        String shapes = "op(A) " + m + "x" + k + (transA ? " (A stored " + k + "x" + m + ")" : "")
                + ", op(B) " + k + "x" + n + (transB ? " (B stored " + n + "x" + k + ")" : "")
                + ", C " + m + "x" + n;
        requireLd("A", lda, aCols, shapes);
        requireLd("B", ldb, bCols, shapes);
        requireLd("C", ldc, n, shapes);
        if (m == 0 || n == 0) return;
        if (k > 0) {
            Shapes.requireRange("sgemm A", a, aOff, span(aRows, aCols, lda), shapes);
            Shapes.requireRange("sgemm B", b, bOff, span(bRows, bCols, ldb), shapes);
        }
        Shapes.requireRange("sgemm C", c, cOff, span(m, n, ldc), shapes);
    }

    private static void requireLd(String name, int ld, int cols, String shapes) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld + " but its rows have "
                    + cols + " columns; " + shapes);
        }
    }

    /** Floats a rows×cols matrix with row stride ld occupies. */
    private static long span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }
}
