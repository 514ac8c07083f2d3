package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Composite modules: Residual (basic blocks with both shortcut kinds, general and bypassed blocks) and Sequential, backward against finite differences. */
class BlockGradientProperties {
    // ReLUs inside: coordinates next to a kink are checked on their kink-free side (see GradCheck)
    private final GradCheck check = new GradCheck(3e-3, 3e-2, 3e-3, 1e-3).samples(25);

    @Property(tries = 8)
    void basicBlockGradients(@ForAll @IntRange(min = 1, max = 3) int in, @ForAll @IntRange(min = 1, max = 3) int mid,
                             @ForAll @IntRange(min = 1, max = 3) int out, @ForAll @IntRange(min = 1, max = 2) int stride,
                             @ForAll boolean needDx, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Residual block = Residual.basicBlock(in, mid, out, stride);
        dev.lanes.nn.init.Init.initialize(block, seed);
        assertEquals(stride != 1 || in != out, block.hasShortcut());
        assertEquals(List.of("main.conv1.weight", "main.bn1.weight", "main.bn1.bias", "main.conv2.weight", "main.bn2.weight", "main.bn2.bias"),
                block.namedParameters().keySet().stream().filter(k -> k.startsWith("main.")).toList());
        check.needDx(needDx).checkModule(block, GradCheck.uniform(rng, 1, 2, in, 4, 4), rng);
    }

    /** A block without the post-join ReLU around an arbitrary main path; identity or conv shortcut; or bypassed. */
    @Property(tries = 12)
    void generalResidualGradients(@ForAll boolean postRelu, @ForAll boolean projection, @ForAll boolean bypassed, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential main = new Sequential().add("conv", new Conv2d(2, 2, 3, 1, 1, true)).add("relu", new ReLU()).add("fc", new Conv2d(2, 2, 1));
        Residual block = new Residual(main, projection ? new Conv2d(2, 2, 1, 1, 0, true) : null, postRelu, bypassed);
        dev.lanes.nn.init.Init.initialize(block, seed);
        check.checkModule(block, GradCheck.uniform(rng, 1, 2, 2, 3, 4), rng);
        if (bypassed) {
            for (var p : main.parameters()) for (float g : p.grad().data()) assertEquals(0f, g, "a bypassed main path gets no gradient");
        }
    }

    @Property(tries = 5)
    void aBypassedBlockIsItsShortcut(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Residual block = Residual.basicBlock(2, 3, 2);
        dev.lanes.nn.init.Init.initialize(block, seed);
        Residual bypassed = block.withBypassed(true);
        Tensor x = GradCheck.uniform(rng, 1, 2, 2, 5, 5);
        Tensor expected = new ReLU().forward(((Module) block.shortcut()).forward(x)).copy();
        assertEquals(0f, bypassed.forward(x).maxAbsDiff(expected));
        assertEquals(block.namedParameters().keySet(), bypassed.namedParameters().keySet());
        int[] in = {2, 2, 5, 5};
        assertEquals(block.shortcut().flops(in) + 3 * 3 * 3 * 2, bypassed.flops(in));
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
        Tensor x = GradCheck.uniform(rng, 1, 2, 1, 4, 4);
        s.forward(x);
        assertEquals(null, s.backward(GradCheck.uniform(rng, 1, 2, 2), false));
        for (float g : frozen.weight().grad().data()) assertEquals(0f, g);
        // the first layer with something to learn computes no dx, and nothing before it runs backward: no dx, no dw work
        dev.lanes.nn.Flops f = s.trainingFlops(new int[]{2, 1, 4, 4}, false);
        long convF = trained.flops(new int[]{2, 2, 4, 4});
        assertEquals(s.flops(new int[]{2, 1, 4, 4}), f.forward());
        assertEquals(trained.trainingFlops(new int[]{2, 2, 4, 4}, false).backwardWeights(), f.backwardWeights());
        assertEquals(new GlobalAvgPool().trainingFlops(new int[]{2, 2, 4, 4}, true).backwardData(), f.backwardData());
        assertTrue(convF > 0);
        // and the trained layer's gradient is still checked against differences
        check.needDx(false).checkModule(s, x, rng);
    }
}
