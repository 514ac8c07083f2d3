package dev.lanes.engine.activation;

import dev.lanes.engine.Shapes;

/** Argument checks shared by the scalar and Vector API activations, run before any memory is touched. */
final class ActivationChecks {
    private ActivationChecks() {}

    static void unary(String op, float[] x, int xOff, float[] y, int yOff, int count) {
        Shapes.requireNonNegative(op, "count", count);
        String shape = "[" + count + "]";
        Shapes.requireRange(op + " x", x, xOff, count, shape);
        Shapes.requireRange(op + " y", y, yOff, count, shape);
    }

    static void backward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int count) {
        Shapes.requireNonNegative("reluBackward", "count", count);
        String shape = "[" + count + "]";
        Shapes.requireRange("reluBackward y", y, yOff, count, shape);
        Shapes.requireRange("reluBackward dy", dy, dyOff, count, shape);
        Shapes.requireRange("reluBackward dx", dx, dxOff, count, shape);
    }

    static void biasRelu(int n, int c, int hw, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        String shape = "[" + n + ", " + c + ", " + hw + "]";
        if (n < 0 || c < 0 || hw < 0) throw new IllegalArgumentException("biasReluForward: negative size in " + shape);
        long size = (long) n * c * hw;
        Shapes.requireRange("biasReluForward x", x, xOff, size, shape);
        Shapes.requireRange("biasReluForward bias", bias, 0, c, "[" + c + "]");
        Shapes.requireRange("biasReluForward y", y, yOff, size, shape);
    }
}
