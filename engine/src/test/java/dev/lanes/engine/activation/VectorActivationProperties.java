package dev.lanes.engine.activation;

import static dev.lanes.engine.KernelTesting.assertEachExactly;
import static dev.lanes.engine.KernelTesting.deterministic;
import static dev.lanes.engine.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** {@link VectorActivation} equals {@link ScalarActivation} to the bit (same float op per lane), with 1, 2, 3 and 5 threads. */
class VectorActivationProperties {
    private final ActivationKernels vector = new VectorActivation();
    private final ActivationKernels scalar = new ScalarActivation();

    /** Small and awkward counts, sometimes large enough to be split over two threads. */
    @Provide
    Arbitrary<Integer> counts() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 200)),
                Tuple.of(3, Arbitraries.of(1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 97, 127, 129)),
                Tuple.of(1, Arbitraries.integers().between(65_000, 140_000)));
    }

    @Property(tries = 60)
    void reluMatches(@ForAll("counts") int count, @ForAll @IntRange(min = 0, max = 5) int off, @ForAll long seed) {
        float[] x = random(seed, count + off, 2f), dy = random(seed + 1, count + off, 1f);
        if (count > 0) x[off] = Float.NaN; // NaN passes through forward and never routes a gradient
        float[] yS = new float[count + 3], dxS = new float[count + 3];
        scalar.reluForward(x, off, yS, 3, count);
        scalar.reluBackward(yS, 3, dy, off, dxS, 3, count);
        float[][] v = deterministic("relu", () -> {
            float[] y = new float[count + 3], dx = new float[count + 3];
            vector.reluForward(x, off, y, 3, count);
            vector.reluBackward(y, 3, dy, off, dx, 3, count);
            return dev.lanes.engine.KernelTesting.concat(y, dx);
        });
        float[] expected = dev.lanes.engine.KernelTesting.concat(yS, dxS);
        assertEachExactly("relu", expected, v);
    }

    @Property(tries = 60)
    void inPlaceReluMatches(@ForAll("counts") int count, @ForAll long seed) {
        float[] a = random(seed, count, 1f), b = a.clone();
        scalar.reluForward(a, 0, a, 0, count);
        vector.reluForward(b, 0, b, 0, count);
        assertArrayEquals(a, b);
    }

    @Property(tries = 60)
    void biasReluMatches(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 19) int c,
                         @ForAll("counts") int hw, @ForAll long seed) {
        if ((long) n * c * hw > 400_000) return;
        int size = n * c * hw;
        float[] x = random(seed, size + 2, 1f), bias = random(seed + 1, c, 1f), yS = new float[size + 1];
        scalar.biasReluForward(n, c, hw, x, 2, bias, yS, 1);
        float[][] v = deterministic("biasRelu", () -> {
            float[] y = new float[size + 1];
            vector.biasReluForward(n, c, hw, x, 2, bias, y, 1);
            return y;
        });
        assertEachExactly("biasRelu", yS, v);
    }
}
