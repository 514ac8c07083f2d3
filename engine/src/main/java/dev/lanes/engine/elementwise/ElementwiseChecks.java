package dev.lanes.engine.elementwise;

import dev.lanes.engine.Shapes;

/** Argument checks shared by the scalar and Vector API element-wise kernels. */
final class ElementwiseChecks {
    private ElementwiseChecks() {}

    static void count(String op, int count) {
        Shapes.requireNonNegative(op, "count", count);
    }

    static void range(String op, String operand, float[] a, int off, int count) {
        if (!Shapes.fits(a, off, count)) Shapes.requireRange(op + " " + operand, a, off, count, "[" + count + "]");
    }

    static void binary(String op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int count) {
        count(op, count);
        range(op, "a", a, aOff, count);
        range(op, "b", b, bOff, count);
        range(op, "y", y, yOff, count);
    }

    static void channels(int n, int c, int hw, float[] x, int xOff, float[] sum, float[] sumSq) {
        if (n < 0 || c < 0 || hw < 0) throw new IllegalArgumentException("channelSumAndSquares: negative size in " + "[" + n + ", " + c + ", " + hw + "]");
        if (!Shapes.fits(x, xOff, (long) n * c * hw)) Shapes.requireRange("channelSumAndSquares x", x, xOff, (long) n * c * hw, "[" + n + ", " + c + ", " + hw + "]");
        if (!Shapes.fits(sum, 0, c)) Shapes.requireRange("channelSumAndSquares sum", sum, 0, c, "[" + c + "]");
        if (!Shapes.fits(sumSq, 0, c)) Shapes.requireRange("channelSumAndSquares sumSq", sumSq, 0, c, "[" + c + "]");
    }

    static void adam(float[] w, float[] g, float[] m, float[] v, int count, float bc1, float bc2) {
        count("adamStep", count);
        range("adamStep", "w", w, 0, count);
        range("adamStep", "g", g, 0, count);
        range("adamStep", "m", m, 0, count);
        range("adamStep", "v", v, 0, count);
        if (!(bc1 > 0f) || !(bc2 > 0f)) {
            throw new IllegalArgumentException("adamStep: bias corrections must be > 0 but are bc1=" + bc1 + " bc2=" + bc2);
        }
    }

    static void sgd(float[] w, float[] g, float[] buf, int count, float momentum) {
        count("sgdStep", count);
        range("sgdStep", "w", w, 0, count);
        range("sgdStep", "g", g, 0, count);
        if (momentum != 0f) range("sgdStep", "momentum buffer", buf, 0, count);
    }
}
