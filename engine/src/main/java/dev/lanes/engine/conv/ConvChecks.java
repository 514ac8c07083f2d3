package dev.lanes.engine.conv;

import dev.lanes.engine.Shapes;

/**
 * Argument checks shared by the convolution kernels; every message names the {@link ConvShape}. Passing
 * checks allocate nothing.
 */
final class ConvChecks {
    private ConvChecks() {}

    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y, int yOff) {
        requireShape(s);
        range("conv forward x", x, xOff, inputs(s), s);
        range("conv forward w", w, wOff, weights(s), s);
        if (bias != null) range("conv forward bias", bias, 0, s.outChannels(), s);
        range("conv forward y", y, yOff, outputs(s), s);
    }

    /** The forward of a weight format checked elsewhere: only x and y. */
    static void forward(ConvShape s, float[] x, int xOff, float[] y, int yOff) {
        requireShape(s);
        range("conv forward x", x, xOff, inputs(s), s);
        range("conv forward y", y, yOff, outputs(s), s);
    }

    static void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        requireShape(s);
        range("conv backwardData dy", dy, dyOff, outputs(s), s);
        range("conv backwardData w", w, wOff, weights(s), s);
        range("conv backwardData dx", dx, dxOff, inputs(s), s);
    }

    static void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff, float[] dbias) {
        requireShape(s);
        range("conv backwardWeights x", x, xOff, inputs(s), s);
        range("conv backwardWeights dy", dy, dyOff, outputs(s), s);
        range("conv backwardWeights dw", dw, dwOff, weights(s), s);
        if (dbias != null) range("conv backwardWeights dbias", dbias, 0, s.outChannels(), s);
    }

    /** Shapes.requireRange, but the message (and the shape's string) is only built when the check fails. */
    private static void range(String what, float[] array, int offset, long count, ConvShape s) {
        if (array == null || offset < 0 || offset + count > array.length) {
            Shapes.requireRange(what, array, offset, count, s.toString());
        }
    }

    private static void requireShape(ConvShape s) {
        if (s == null) throw new IllegalArgumentException("conv: shape is null");
        // the column matrix of one image must fit one array
        long cols = (long) s.inChannels() * s.kernelH() * s.kernelW() * s.outHeight() * s.outWidth();
        if (cols > Integer.MAX_VALUE || outputs(s) > Integer.MAX_VALUE || inputs(s) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(s + ": too large for one float[]");
        }
    }

    private static long inputs(ConvShape s) {
        return (long) s.batch() * s.inChannels() * s.inHeight() * s.inWidth();
    }

    private static long outputs(ConvShape s) {
        return (long) s.batch() * s.outChannels() * s.outHeight() * s.outWidth();
    }

    private static long weights(ConvShape s) {
        return (long) s.outChannels() * s.inChannels() * s.kernelH() * s.kernelW();
    }
}
