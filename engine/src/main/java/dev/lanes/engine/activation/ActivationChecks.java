package dev.lanes.engine.activation;

import dev.lanes.engine.Shapes;

/** Argument checks shared by the scalar and Vector API activations, run before any memory is touched. */
final class ActivationChecks {
    private ActivationChecks() {}

    static void unary(String op, float[] x, int xOff, float[] y, int yOff, int count) {
        Shapes.requireNonNegative(op, "count", count);
        if (!Shapes.fits(x, xOff, count)) Shapes.requireRange(op + " x", x, xOff, count, "[" + count + "]");
        if (!Shapes.fits(y, yOff, count)) Shapes.requireRange(op + " y", y, yOff, count, "[" + count + "]");
    }

    static void backward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int count) {
        Shapes.requireNonNegative("reluBackward", "count", count);
        if (!Shapes.fits(y, yOff, count)) Shapes.requireRange("reluBackward y", y, yOff, count, "[" + count + "]");
        if (!Shapes.fits(dy, dyOff, count)) Shapes.requireRange("reluBackward dy", dy, dyOff, count, "[" + count + "]");
        if (!Shapes.fits(dx, dxOff, count)) Shapes.requireRange("reluBackward dx", dx, dxOff, count, "[" + count + "]");
    }

    static void biasRelu(int n, int c, int hw, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        if (n < 0 || c < 0 || hw < 0) throw new IllegalArgumentException("biasReluForward: negative size in " + "[" + n + ", " + c + ", " + hw + "]");
        long size = (long) n * c * hw;
        if (!Shapes.fits(x, xOff, size)) Shapes.requireRange("biasReluForward x", x, xOff, size, "[" + n + ", " + c + ", " + hw + "]");
        if (!Shapes.fits(bias, 0, c)) Shapes.requireRange("biasReluForward bias", bias, 0, c, "[" + c + "]");
        if (!Shapes.fits(y, yOff, size)) Shapes.requireRange("biasReluForward y", y, yOff, size, "[" + n + ", " + c + ", " + hw + "]");
    }
}
