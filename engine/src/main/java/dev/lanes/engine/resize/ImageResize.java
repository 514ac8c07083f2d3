package dev.lanes.engine.resize;

import dev.lanes.engine.Tensor;

/**
 * Resizing of image planes (and of convolution kernels) by bilinear, bicubic or area (box) interpolation. Both filters are separable: each output
 * row/column is a weighted sum of a few input rows/columns, so a resize is a pass along the width then one
 * along the height, with the weights computed once per call.
 *
 * <ul>
 *   <li>{@link Method#BILINEAR}: half-pixel centres ({@code src = (dst + 0.5) * in/out - 0.5}, clamped at the
 *       border), as OpenCV and PyTorch with {@code align_corners=false}. Good for upscaling.
 *   <li>{@link Method#BICUBIC}: the same half-pixel centres with the Keys cubic (a = −0.75, as PyTorch and
 *       OpenCV), border taps clamped. Reproduces quadratics away from the border; may overshoot.
 *   <li>{@link Method#AREA}: each output pixel is the average of the input area it covers, with fractional
 *       weights at the edges, so the image mean is preserved exactly (up to rounding) for any ratio. The right
 *       choice for downscaling, where bilinear aliases.
 * </ul>
 *
 * The static methods work on planes inside a {@code float[]} so they serve the data loader and, on weight
 * tensors, kernel rescaling alike.
 */
public final class ImageResize {
    public enum Method { BILINEAR, BICUBIC, AREA }

    private ImageResize() {}

    /**
     * Resizes {@code planes} consecutive {@code h x w} planes starting at {@code src[srcOff]} to {@code oh x ow}
     * planes written from {@code dst[dstOff]}. {@code src} and {@code dst} ranges must not overlap.
     */
    public static void resize(Method method, float[] src, int srcOff, int planes, int h, int w,
                              float[] dst, int dstOff, int oh, int ow) {
        if (h <= 0 || w <= 0 || oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("resize " + h + "x" + w + " to " + oh + "x" + ow + ": sizes must be positive");
        }
        Weights wx = weights(method, w, ow);
        Weights wy = weights(method, h, oh);
        float[] row = new float[ow];
        float[] tmp = new float[h * ow];
        for (int p = 0; p < planes; p++) {
            int s = srcOff + p * h * w;
            // along the width: tmp[y][ox] = sum_k wx * src[y][x_k]
            for (int y = 0; y < h; y++) {
                wx.apply(src, s + y * w, 1, row);
                System.arraycopy(row, 0, tmp, y * ow, ow);
            }
            // along the height, one output column at a time on the already narrowed rows
            int d = dstOff + p * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int start = wy.start[oy], n = wy.count[oy], base = wy.offset[oy];
                for (int ox = 0; ox < ow; ox++) {
                    float acc = 0f;
                    for (int k = 0; k < n; k++) acc += wy.w[base + k] * tmp[(start + k) * ow + ox];
                    dst[d + oy * ow + ox] = acc;
                }
            }
        }
    }

    /** Resizes the last two axes of {@code x} (any rank >= 2, e.g. NCHW images or OIHW kernels). */
    public static Tensor resize(Method method, Tensor x, int oh, int ow) {
        int[] shape = x.shape();
        if (shape.length < 2) throw new IllegalArgumentException("resize needs a tensor of rank >= 2 but the shape has rank " + shape.length);
        int h = shape[shape.length - 2], w = shape[shape.length - 1];
        int planes = x.size() / (h * w);
        shape[shape.length - 2] = oh;
        shape[shape.length - 1] = ow;
        Tensor out = Tensor.zeros(shape);
        resize(method, x.data(), x.offset(), planes, h, w, out.data(), 0, oh, ow);
        return out;
    }

    public static Tensor bilinear(Tensor x, int oh, int ow) { return resize(Method.BILINEAR, x, oh, ow); }

    public static Tensor area(Tensor x, int oh, int ow) { return resize(Method.AREA, x, oh, ow); }

    public static Tensor bicubic(Tensor x, int oh, int ow) { return resize(Method.BICUBIC, x, oh, ow); }

    /** For each output index o: taps {@code start..start+count-1} with weights {@code w[offset..]}. */
    private record Weights(int[] start, int[] count, int[] offset, float[] w) {
        void apply(float[] src, int base, int stride, float[] out) {
            for (int o = 0; o < out.length; o++) {
                float acc = 0f;
                int s = start[o], b = offset[o];
                for (int k = 0; k < count[o]; k++) acc += w[b + k] * src[base + (s + k) * stride];
                out[o] = acc;
            }
        }
    }

    private static Weights weights(Method method, int in, int out) {
        return switch (method) {
            case BILINEAR -> bilinearWeights(in, out);
            case BICUBIC -> bicubicWeights(in, out);
            case AREA -> areaWeights(in, out);
        };
    }

    private static final double CUBIC_A = -0.75;

    /** Keys' cubic convolution kernel at distance t. */
    private static double cubic(double t) {
        t = Math.abs(t);
        if (t <= 1) return ((CUBIC_A + 2) * t - (CUBIC_A + 3)) * t * t + 1;
        if (t < 2) return ((CUBIC_A * t - 5 * CUBIC_A) * t + 8 * CUBIC_A) * t - 4 * CUBIC_A;
        return 0;
    }

    private static Weights bicubicWeights(int in, int out) {
        int[] start = new int[out], count = new int[out], offset = new int[out];
        float[] w = new float[4 * out];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            // unclamped source coordinate; taps beyond the border fold onto the edge pixel (replicate padding)
            double src = (o + 0.5) * scale - 0.5;
            int i0 = (int) Math.floor(src);
            double frac = src - i0;
            int first = Math.max(0, Math.min(in - 1, i0 - 1));
            int last = Math.max(0, Math.min(in - 1, i0 + 2));
            start[o] = first;
            count[o] = last - first + 1;
            offset[o] = 4 * o;
            for (int k = -1; k <= 2; k++) {
                int i = Math.max(0, Math.min(in - 1, i0 + k));
                w[4 * o + i - first] += (float) cubic(k - frac);
            }
        }
        return new Weights(start, count, offset, w);
    }

    private static Weights bilinearWeights(int in, int out) {
        int[] start = new int[out], count = new int[out], offset = new int[out];
        float[] w = new float[2 * out];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double src = Math.min(Math.max((o + 0.5) * scale - 0.5, 0.0), in - 1);
            int i0 = (int) Math.floor(src);
            int i1 = Math.min(i0 + 1, in - 1);
            double frac = src - i0;
            start[o] = i0;
            offset[o] = 2 * o;
            if (i1 == i0) {
                count[o] = 1;
                w[2 * o] = 1f;
            } else {
                count[o] = 2;
                w[2 * o] = (float) (1 - frac);
                w[2 * o + 1] = (float) frac;
            }
        }
        return new Weights(start, count, offset, w);
    }

    private static Weights areaWeights(int in, int out) {
        int[] start = new int[out], count = new int[out], offset = new int[out];
        double scale = (double) in / out; // input pixels per output pixel
        float[] w = new float[out * ((int) Math.ceil(scale) + 2)];
        int pos = 0;
        for (int o = 0; o < out; o++) {
            // output pixel o covers [lo, hi) in input coordinates; overlap / scale weights sum to 1
            double lo = o * scale, hi = (o + 1) * scale;
            int first = (int) Math.floor(lo);
            int last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
            start[o] = first;
            offset[o] = pos;
            for (int i = first; i <= last; i++) {
                double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                w[pos++] = (float) (overlap / scale);
            }
            count[o] = last - first + 1;
        }
        return new Weights(start, count, offset, w);
    }
}
