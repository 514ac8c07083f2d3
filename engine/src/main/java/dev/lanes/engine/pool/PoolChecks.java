package dev.lanes.engine.pool;

import dev.lanes.engine.Shapes;

/** Argument checks shared by the scalar and Vector API pooling kernels. */
final class PoolChecks {
    private PoolChecks() {}

    static String in(PoolShape s) {
        return "[" + s.batch() + ", " + s.channels() + ", " + s.inHeight() + ", " + s.inWidth() + "]";
    }

    static String out(PoolShape s) {
        return "[" + s.batch() + ", " + s.channels() + ", " + s.outHeight() + ", " + s.outWidth() + "]";
    }

    /** Input-side buffer (x or dx) and output-side buffer (y or dy) of a windowed pool. */
    static void window(String op, PoolShape s, String inName, float[] in, int inOff, String outName, float[] out, int outOff) {
        if (s == null) throw new IllegalArgumentException(op + ": pool shape is null");
        Shapes.requireRange(op + " " + inName, in, inOff, (long) s.batch() * s.channels() * s.inHeight() * s.inWidth(), in(s));
        Shapes.requireRange(op + " " + outName, out, outOff, (long) s.batch() * s.channels() * s.outHeight() * s.outWidth(), out(s));
    }

    static void argmax(String op, PoolShape s, int[] argmax) {
        Shapes.requireRange(op + " argmax", argmax, 0, (long) s.batch() * s.channels() * s.outHeight() * s.outWidth(), out(s));
    }

    static void global(String op, int n, int c, int hw, String inName, float[] in, int inOff, String outName, float[] out, int outOff) {
        String shape = "[" + n + ", " + c + ", " + hw + "]";
        if (n < 0 || c < 0 || hw <= 0) {
            throw new IllegalArgumentException(op + ": sizes must be n >= 0, c >= 0, hw > 0 but input is " + shape);
        }
        Shapes.requireRange(op + " " + inName, in, inOff, (long) n * c * hw, shape);
        Shapes.requireRange(op + " " + outName, out, outOff, (long) n * c, "[" + n + ", " + c + "]");
    }
}
