package dev.lanes.engine.conv;

import dev.lanes.engine.Shapes;

/** Argument checks shared by the convolution kernels; every message names the {@link ConvShape}. */
final class ConvChecks {
    private ConvChecks() {}

    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y, int yOff) {
        requireShape(s);
        Shapes.requireRange("conv forward x", x, xOff, inputs(s), s.toString());
        Shapes.requireRange("conv forward w", w, wOff, weights(s), s.toString());
        if (bias != null) Shapes.requireRange("conv forward bias", bias, 0, s.outChannels(), s.toString());
        Shapes.requireRange("conv forward y", y, yOff, outputs(s), s.toString());
    }

    static void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        requireShape(s);
        Shapes.requireRange("conv backwardData dy", dy, dyOff, outputs(s), s.toString());
        Shapes.requireRange("conv backwardData w", w, wOff, weights(s), s.toString());
        Shapes.requireRange("conv backwardData dx", dx, dxOff, inputs(s), s.toString());
    }

    static void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff, float[] dbias) {
        requireShape(s);
        Shapes.requireRange("conv backwardWeights x", x, xOff, inputs(s), s.toString());
        Shapes.requireRange("conv backwardWeights dy", dy, dyOff, outputs(s), s.toString());
        Shapes.requireRange("conv backwardWeights dw", dw, dwOff, weights(s), s.toString());
        if (dbias != null) Shapes.requireRange("conv backwardWeights dbias", dbias, 0, s.outChannels(), s.toString());
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
