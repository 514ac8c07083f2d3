package dev.lanes.engine.resize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

class ImageResizeProperties {
    @Property(tries = 100)
    void constantStaysConstant(@ForAll @IntRange(min = 1, max = 40) int h, @ForAll @IntRange(min = 1, max = 40) int w,
                               @ForAll @IntRange(min = 1, max = 40) int oh, @ForAll @IntRange(min = 1, max = 40) int ow,
                               @ForAll @FloatRange(min = -5, max = 5) float c, @ForAll ImageResize.Method method) {
        Tensor out = ImageResize.resize(method, Tensor.full(c, 2, h, w), oh, ow);
        assertEquals(2 * oh * ow, out.size());
        for (float v : out.toArray()) assertEquals(c, v, 1e-5f * Math.max(1, Math.abs(c)));
    }

    @Property(tries = 100)
    void areaPreservesTheMean(@ForAll @IntRange(min = 1, max = 40) int h, @ForAll @IntRange(min = 1, max = 40) int w,
                              @ForAll @IntRange(min = 1, max = 40) int oh, @ForAll @IntRange(min = 1, max = 40) int ow,
                              @ForAll long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        Tensor x = Tensor.zeros(1, 1, h, w);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextDouble();
        Tensor y = ImageResize.area(x, oh, ow);
        assertEquals(mean(x), mean(y), 1e-5);
    }

    @Property(tries = 50)
    void downThenUpKeepsASmoothImage(@ForAll @IntRange(min = 16, max = 64) int size, @ForAll @IntRange(min = 2, max = 4) int factor,
                                     @ForAll @FloatRange(min = 0, max = 6.3f) float phase, @ForAll ImageResize.Method down) {
        // a low-frequency pattern (half a period across the image), well sampled even at 8x8
        Tensor x = Tensor.zeros(1, size, size);
        for (int y = 0; y < size; y++) {
            for (int xx = 0; xx < size; xx++) {
                x.set((float) (Math.sin(Math.PI * xx / size + phase) * Math.cos(Math.PI * y / size)), 0, y, xx);
            }
        }
        int small = Math.max(8, size / factor);
        Tensor back = ImageResize.bilinear(ImageResize.resize(down, x, small, small), size, size);
        double err = 0, sum = 0;
        for (int i = 0; i < x.size(); i++) {
            double d = Math.abs(x.data()[i] - back.data()[i]);
            err = Math.max(err, d);
            sum += d;
        }
        // the pattern spans [-1, 1]: the round trip stays within 3% on average; the border, where bilinear
        // clamps instead of extrapolating the slope, loses most
        String what = size + " -> " + small + " -> " + size + " by " + down;
        assertTrue(err < 0.2, "max error " + err + " for " + what);
        assertTrue(sum / x.size() < 0.03, "mean error " + sum / x.size() + " for " + what);
    }

    @Example
    void knownValues() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3}, 1, 4);
        // area 4 -> 2 averages pairs; bilinear 4 -> 2 samples at 0.5 and 2.5 (half-pixel centres)
        assertEquals("[0.5, 2.5]", java.util.Arrays.toString(ImageResize.area(x, 1, 2).toArray()));
        assertEquals("[0.5, 2.5]", java.util.Arrays.toString(ImageResize.bilinear(x, 1, 2).toArray()));
        Tensor up = ImageResize.bilinear(Tensor.of(new float[] {0, 4}, 1, 2), 1, 4);
        assertEquals("[0.0, 1.0, 3.0, 4.0]", java.util.Arrays.toString(up.toArray()));
        // area 2 -> 3: the middle output straddles both inputs equally
        Tensor a = ImageResize.area(Tensor.of(new float[] {0, 3}, 1, 2), 1, 3);
        assertEquals(0f, a.get(0, 0), 1e-6f);
        assertEquals(1.5f, a.get(0, 1), 1e-6f);
        assertEquals(3f, a.get(0, 2), 1e-6f);
    }

    private static double mean(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) s += v;
        return s / t.size();
    }
}
