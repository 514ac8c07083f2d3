package dev.lanes.training.sparsity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ChannelActivityProperties {
    /** One pass keeping per-sample maxima gives the two passes' maxima and selectivities exactly. */
    @Property(tries = 60)
    void onePassEqualsTwoPasses(@ForAll @IntRange(min = 1, max = 5) int batches, @ForAll @IntRange(min = 1, max = 6) int n,
                                @ForAll @IntRange(min = 1, max = 5) int channels, @ForAll @IntRange(min = 0, max = 3) int side, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor[] xs = new Tensor[batches];
        for (int b = 0; b < batches; b++) {
            xs[b] = side == 0 ? Tensor.zeros(n, channels) : Tensor.zeros(n, channels, side, side);
            float[] d = xs[b].data();
            // post-ReLU-like values: many exact zeros, a spread of magnitudes, some channels silent throughout
            for (int i = 0; i < d.length; i++) d[i] = r.nextInt(3) == 0 ? 0f : (float) Math.abs(r.nextGaussian() * Math.pow(10, r.nextInt(-5, 2)));
            int silent = r.nextInt(channels + 1);
            int plane = side == 0 ? 1 : side * side;
            for (int i = 0; i < n && silent < channels; i++) java.util.Arrays.fill(d, (i * channels + silent) * plane, (i * channels + silent + 1) * plane, 0f);
        }
        ChannelActivity one = new ChannelActivity(channels), two = new ChannelActivity(channels);
        for (Tensor x : xs) { one.observe(x); two.observeMaximum(x); }
        for (Tensor x : xs) two.observeSelectivity(x);
        for (int c = 0; c < channels; c++) {
            assertEquals(two.maximum(c), one.maximum(c));
            assertEquals(two.deadByActivation(c), one.deadByActivation(c));
            assertEquals(two.selectivity(c), one.selectivity(c));
        }
    }
}
