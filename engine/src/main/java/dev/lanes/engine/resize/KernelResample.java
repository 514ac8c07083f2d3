package dev.lanes.engine.resize;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;

/**
 * Resamples convolution kernels [out, in, kh, kw] to another spatial size, keeping the layer's response.
 *
 * <p>The taps are samples of a continuous kernel on a grid whose cell centres are aligned between the two
 * sizes (half-pixel centres, as {@link ImageResize}). Convolution's scaling property — for continuous f and g,
 * f(x/s) * g(x/s) = s² (f * g)(x/s) — means a kernel that grows from k to k·s taps must be multiplied by 1/s²
 * to give the same response at s times the resolution: the tap values are scaled by
 * (kh·kw) / (kh'·kw'), so the sum of taps is kept while their number changes. Resampling to the same size
 * returns an exact copy (the interpolation weights are then 1 at every tap).
 */
public final class KernelResample {
    private KernelResample() {}

    /** A new tensor [out, in, newH, newW]; {@code method} is BILINEAR or BICUBIC (AREA is accepted for shrinking). */
    public static Tensor resample(Tensor weight, int newH, int newW, ImageResize.Method method) {
        int[] s = weight.shape();
        if (s.length != 4) throw new IllegalArgumentException("kernel resampling needs a weight [out, in, kh, kw] but got " + Shapes.toString(s));
        if (newH < 1 || newW < 1) throw new IllegalArgumentException("kernel resampling to " + newH + "x" + newW + " for weight " + Shapes.toString(s) + ": sizes must be >= 1");
        int kh = s[2], kw = s[3];
        Tensor out = ImageResize.resize(method, weight, newH, newW);
        if (kh == newH && kw == newW) {
            System.arraycopy(weight.data(), weight.offset(), out.data(), 0, weight.size()); // exact, whatever the filter
            return out;
        }
        float gain = (float) ((double) (kh * kw) / ((double) newH * newW));
        float[] d = out.data();
        for (int i = 0; i < out.size(); i++) d[i] *= gain;
        return out;
    }
}
