package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Conv2d and Linear backward (dx, weight, bias) against central finite differences. */
class ConvLinearGradientProperties {
    // both layers are linear in each argument, so the difference is exact up to float rounding of y
    private final GradCheck check = new GradCheck(1e-2, 1e-2, 1e-3);

    @Property(tries = 40)
    void conv2dGradients(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 4) int in,
                         @ForAll @IntRange(min = 1, max = 4) int out, @ForAll @IntRange(min = 1, max = 3) int k,
                         @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 1) int pad,
                         @ForAll @IntRange(min = 3, max = 7) int h, @ForAll @IntRange(min = 3, max = 7) int w,
                         @ForAll boolean bias, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Conv2d conv = new Conv2d(in, out, k, stride, pad, bias);
        conv.resetParameters(rng);
        if (bias) conv.bias().value().copyFrom(GradCheck.uniform(rng, 0.5, out));
        check.checkModule(conv, GradCheck.uniform(rng, 1, n, in, h, w), rng);
    }

    @Property(tries = 30)
    void conv2dWithPerAxisGeometryGradients(@ForAll @IntRange(min = 1, max = 3) int in, @ForAll @IntRange(min = 1, max = 3) int out,
                                            @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
                                            @ForAll @IntRange(min = 1, max = 3) int sh, @ForAll @IntRange(min = 1, max = 3) int sw,
                                            @ForAll @IntRange(min = 0, max = 2) int ph, @ForAll @IntRange(min = 0, max = 2) int pw,
                                            @ForAll boolean bias, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Conv2d conv = new Conv2d(in, out, kh, kw, sh, sw, ph, pw, bias);
        conv.resetParameters(rng);
        if (bias) conv.bias().value().copyFrom(GradCheck.uniform(rng, 0.5, out));
        check.checkModule(conv, GradCheck.uniform(rng, 1, 2, in, 4 + kh, 3 + kw), rng);
    }

    @Property(tries = 20)
    void conv2dFrozenPartsGetNoGradientButDxIsRight(@ForAll @IntRange(min = 1, max = 3) int in, @ForAll @IntRange(min = 1, max = 3) int out,
                                                    @ForAll boolean freezeWeight, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Conv2d conv = new Conv2d(in, out, 3, 1, 1, true);
        conv.resetParameters(rng);
        (freezeWeight ? conv.weight() : conv.bias()).setTrainable(false);
        check.checkModule(conv, GradCheck.uniform(rng, 1, 2, in, 5, 4), rng);
    }

    @Property(tries = 40)
    void linearGradients(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 9) int in,
                         @ForAll @IntRange(min = 1, max = 9) int out, @ForAll boolean bias, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Linear fc = new Linear(in, out, bias);
        fc.resetParameters(rng);
        if (bias) fc.bias().value().copyFrom(GradCheck.uniform(rng, 0.5, out));
        check.checkModule(fc, GradCheck.uniform(rng, 1, n, in), rng);
    }

    @Property(tries = 20)
    void linearFrozenWeightKeepsZeroGrad(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Linear fc = new Linear(6, 3);
        fc.resetParameters(rng);
        fc.weight().setTrainable(false);
        check.checkModule(fc, GradCheck.uniform(rng, 1, n, 6), rng);
    }

    @Property(tries = 10)
    void withoutInputGradBackwardReturnsNullAndStillAccumulates(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, true);
        Tensor x = GradCheck.uniform(rng, 1, 2, 2, 4, 4);
        Tensor dy = GradCheck.uniform(rng, 1, 2, 3, 4, 4);
        conv.forward(x);
        conv.backward(dy, true);
        Tensor once = conv.weight().grad().copy();
        conv.forward(x);
        assertNull(conv.backward(dy, false));
        // gradients accumulate: a second identical backward doubles them
        for (int i = 0; i < once.size(); i++) assertEquals(2 * once.data()[i], conv.weight().grad().data()[i], 1e-4f * (1 + Math.abs(once.data()[i])));
    }
}
