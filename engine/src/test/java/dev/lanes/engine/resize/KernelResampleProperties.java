package dev.lanes.engine.resize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class KernelResampleProperties {
    @Property(tries = 60)
    void sameSizeIsTheIdentity(@ForAll @IntRange(min = 1, max = 4) int out, @ForAll @IntRange(min = 1, max = 3) int in,
                               @ForAll @IntRange(min = 1, max = 7) int kh, @ForAll @IntRange(min = 1, max = 7) int kw,
                               @ForAll ImageResize.Method method, @ForAll long seed) {
        Tensor w = random(seed, out, in, kh, kw);
        assertArrayEquals(w.toArray(), KernelResample.resample(w, kh, kw, method).toArray());
    }

    @Property(tries = 60)
    void upsamplingKeepsTheSumOfTaps(@ForAll @IntRange(min = 1, max = 5) int k, @ForAll @IntRange(min = 2, max = 3) int s,
                                     @ForAll long seed) {
        // bilinear weights of every output tap sum to 1 and each input tap is hit s² times on average,
        // so after the 1/s² gain the sum of taps is kept exactly for a constant kernel and closely otherwise
        Tensor w = Tensor.full(0.7f, 2, 1, k, k);
        Tensor up = KernelResample.resample(w, k * s, k * s, ImageResize.Method.BILINEAR);
        double sum = 0;
        for (float v : up.toArray()) sum += v;
        assertEquals(2 * 0.7 * k * k, sum, 1e-4 * k * k);
    }

    /**
     * The scaling property the method rests on: a smooth image at full resolution convolved with the
     * resampled kernel, read at every s-th pixel, matches the low-resolution image convolved with the
     * low-resolution kernel (the 1/s² gain is inside the resampled kernel).
     */
    @Property(tries = 300)
    void responseMatchesAtLowResolution(@ForAll @IntRange(min = 3, max = 6) int k, @ForAll long seed,
                                        @ForAll("smoothFilters") ImageResize.Method method) {
        int s = 2, n = 48;
        SplittableRandom r = new SplittableRandom(seed);
        Tensor image = smooth(r, n, 3.0);
        Tensor low = ImageResize.area(image, n / s, n / s);
        Tensor kernel = bump(r, k).reshape(1, 1, k, k);
        Tensor up = KernelResample.resample(kernel, k * s, k * s, method);
        int outLow = n / s - k + 1;
        double[] a = new double[outLow * outLow], b = new double[a.length];
        for (int y = 0; y < outLow; y++)
            for (int x = 0; x < outLow; x++) {
                a[y * outLow + x] = correlate(low, n / s, kernel, k, y, x);
                b[y * outLow + x] = correlate(image, n, up, k * s, s * y, s * x);
            }
        double corr = correlation(a, b), ratio = norm(b) / norm(a);
        assertTrue(corr > 0.97, () -> "correlation " + corr);
        assertTrue(Math.abs(ratio - 1) < 0.1, () -> "response ratio " + ratio);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<ImageResize.Method> smoothFilters() {
        return net.jqwik.api.Arbitraries.of(ImageResize.Method.BILINEAR, ImageResize.Method.BICUBIC);
    }

    @Example
    void refusesWhatIsNotAKernel() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> KernelResample.resample(Tensor.zeros(3, 3), 5, 5, ImageResize.Method.BILINEAR));
        assertTrue(e.getMessage().contains("[3, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> KernelResample.resample(Tensor.zeros(1, 1, 3, 3), 0, 5, ImageResize.Method.BILINEAR));
    }

    /**
     * A smooth kernel: a Gaussian bump of random centre and width (σ from 0.4 to 0.8 kernel widths) with a 20%
     * smooth ripple, sampled at the tap centres. Kernels whose taps nearly cancel would make any response
     * ratio meaningless, and trained low-resolution kernels are rarely rough at the scale of one tap.
     */
    private static Tensor bump(SplittableRandom r, int k) {
        Tensor t = Tensor.zeros(1, 1, k, k);
        double cy = r.nextDouble(0.3, 0.7) * k, cx = r.nextDouble(0.3, 0.7) * k, sigma = r.nextDouble(0.4, 0.8) * k;
        double fy = r.nextDouble(-0.5, 0.5) / k, fx = r.nextDouble(-0.5, 0.5) / k, phase = r.nextDouble(0, 2 * Math.PI);
        for (int y = 0; y < k; y++)
            for (int x = 0; x < k; x++) {
                double dy = y + 0.5 - cy, dx = x + 0.5 - cx;
                t.data()[y * k + x] = (float) (Math.exp(-(dy * dy + dx * dx) / (2 * sigma * sigma)) * (1 + 0.2 * Math.cos(2 * Math.PI * (fy * y + fx * x) + phase)));
            }
        return t;
    }

    /** A band-limited random field: a few sinusoids with periods of at least {@code minPeriodCells} × size/4. */
    private static Tensor smooth(SplittableRandom r, int size, double minPeriodCells) {
        Tensor t = Tensor.zeros(1, 1, size, size);
        float[] d = t.data();
        for (int term = 0; term < 4; term++) {
            double fy = r.nextDouble(-1, 1) / (minPeriodCells * Math.max(1, size / 4.0)), fx = r.nextDouble(-1, 1) / (minPeriodCells * Math.max(1, size / 4.0));
            double phase = r.nextDouble(0, 2 * Math.PI), amp = r.nextDouble(0.5, 1.5);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++) d[y * size + x] += (float) (amp * Math.cos(2 * Math.PI * (fy * y + fx * x) + phase));
        }
        for (int i = 0; i < d.length; i++) d[i] += 0.5f;
        return t;
    }

    private static double correlate(Tensor img, int n, Tensor ker, int k, int y, int x) {
        double acc = 0;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) acc += (double) img.data()[(y + i) * n + x + j] * ker.data()[i * k + j];
        return acc;
    }

    private static double correlation(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.length; mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }

    private static Tensor random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) r.nextDouble(-1, 1);
        return t;
    }
}
