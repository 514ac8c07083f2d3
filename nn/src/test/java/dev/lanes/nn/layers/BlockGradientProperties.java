package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Composite modules: BasicBlock (both shortcut kinds) and Sequential, backward against finite differences. */
class BlockGradientProperties {
    // ReLUs inside: coordinates next to a kink are checked on their kink-free side (see GradCheck)
    private final GradCheck check = new GradCheck(3e-3, 3e-2, 3e-3, 1e-3).samples(25);

    @Property(tries = 8)
    void basicBlockGradients(@ForAll @IntRange(min = 1, max = 3) int in, @ForAll @IntRange(min = 1, max = 3) int out,
                             @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BasicBlock block = new BasicBlock(in, out, stride);
        dev.lanes.nn.init.Init.initialize(block, seed);
        assertEquals(stride != 1 || in != out, block.hasProjection());
        check.checkModule(block, GradCheck.uniform(rng, 1, 2, in, 4, 4), rng);
    }

    @Property(tries = 12)
    void sequentialGradients(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential s = new Sequential(new Conv2d(2, 3, 3, 1, 1, true), new BatchNorm2d(3), new ReLU(), new AvgPool2d(2),
                new Flatten(), new Linear(18, 4));
        dev.lanes.nn.init.Init.initialize(s, seed);
        check.checkModule(s, GradCheck.uniform(rng, 1, n, 2, 4, 6), rng);
    }

    @Property(tries = 8)
    void frozenMiddleLayerGetsNoGradientWhileOthersStayCorrect(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Conv2d first = new Conv2d(2, 3, 3, 1, 1, true);
        BatchNorm2d bn = new BatchNorm2d(3);
        Sequential s = new Sequential(first, bn, new ReLU(), new GlobalAvgPool(), new Linear(3, 2));
        dev.lanes.nn.init.Init.initialize(s, seed);
        bn.setTrainable(false);
        check.checkModule(s, GradCheck.uniform(rng, 1, 2, 2, 3, 3), rng);
    }

    @Property(tries = 5)
    void frozenPrefixIsSkippedEntirely(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Conv2d frozen = new Conv2d(1, 2, 3, 1, 1, true);
        Conv2d trained = new Conv2d(2, 2, 3, 1, 1, true);
        Sequential s = new Sequential(frozen, new ReLU(), trained, new GlobalAvgPool());
        frozen.setTrainable(false);
        s.setInputGradNeeded(false);
        Tensor x = GradCheck.uniform(rng, 1, 2, 1, 4, 4);
        s.forward(x);
        assertEquals(null, s.backward(GradCheck.uniform(rng, 1, 2, 2)));
        // the first layer with something to learn computes no dx, and nothing before it runs backward
        assertEquals(false, trained.inputGradNeeded());
        for (float g : frozen.weight().grad().data()) assertEquals(0f, g);
        // and the trained layer's gradient is still checked against differences
        check.checkModule(s, x, rng);
    }
}
