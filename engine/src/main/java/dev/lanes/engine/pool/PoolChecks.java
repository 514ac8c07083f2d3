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
        long inSize = (long) s.batch() * s.channels() * s.inHeight() * s.inWidth();
        long outSize = (long) s.batch() * s.channels() * s.outHeight() * s.outWidth();
        if (!Shapes.fits(in, inOff, inSize)) Shapes.requireRange(op + " " + inName, in, inOff, inSize, in(s));
        if (!Shapes.fits(out, outOff, outSize)) Shapes.requireRange(op + " " + outName, out, outOff, outSize, out(s));
    }

    static void argmax(String op, PoolShape s, int[] argmax) {
        long outSize = (long) s.batch() * s.channels() * s.outHeight() * s.outWidth();
        if (!Shapes.fits(argmax, 0, outSize)) Shapes.requireRange(op + " argmax", argmax, 0, outSize, out(s));
    }

    static void global(String op, int n, int c, int hw, String inName, float[] in, int inOff, String outName, float[] out, int outOff) {
        if (n < 0 || c < 0 || hw <= 0) {
            throw new IllegalArgumentException(op + ": sizes must be n >= 0, c >= 0, hw > 0 but input is " + "[" + n + ", " + c + ", " + hw + "]");
        }
        if (!Shapes.fits(in, inOff, (long) n * c * hw)) Shapes.requireRange(op + " " + inName, in, inOff, (long) n * c * hw, "[" + n + ", " + c + ", " + hw + "]");
        if (!Shapes.fits(out, outOff, (long) n * c)) Shapes.requireRange(op + " " + outName, out, outOff, (long) n * c, "[" + n + ", " + c + "]");
    }
}
