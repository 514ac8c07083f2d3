package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Shapes, FLOPs, descriptions, shape errors, buffer reuse and mode behaviour of the layers. */
class LayerBehaviourTest {
    private final SplittableRandom rng = new SplittableRandom(1);

    @Test
    void convOutputShapeAndFlops() {
        Conv2d conv = new Conv2d(3, 8, 3, 2, 1, true);
        assertArrayEquals(new int[]{4, 8, 16, 16}, conv.outputShape(new int[]{4, 3, 32, 32}));
        // 2·N·out·OH·OW·in·k·k + N·out·OH·OW for the bias
        assertEquals(2L * 4 * 8 * 16 * 16 * 3 * 9 + 4L * 8 * 16 * 16, conv.flops(new int[]{4, 3, 32, 32}));
        assertEquals(2L * 4 * 8 * 16 * 16 * 3 * 9, new Conv2d(3, 8, 3, 2, 1, false).flops(new int[]{4, 3, 32, 32}));
        assertArrayEquals(new int[]{1, 8, 5, 5}, new Conv2d(3, 8, 5, 1, 0, false).outputShape(new int[]{1, 3, 9, 9}));
        assertEquals("Conv2d(32→64, 3x3, stride 1, pad 1)", new Conv2d(32, 64, 3, 1, 1, true).describe());
        assertEquals(8 * 3 * 9 + 8, conv.parameterCount());
    }

    @Test
    void otherLayersShapesAndFlops() {
        assertArrayEquals(new int[]{2, 5}, new Linear(7, 5).outputShape(new int[]{2, 7}));
        assertEquals(2L * 2 * 7 * 5 + 2 * 5, new Linear(7, 5).flops(new int[]{2, 7}));
        assertArrayEquals(new int[]{2, 3, 4, 4}, new MaxPool2d(2).outputShape(new int[]{2, 3, 9, 8}));
        assertArrayEquals(new int[]{2, 3, 5, 4}, new MaxPool2d(3, 2, 1).outputShape(new int[]{2, 3, 9, 8}));
        assertArrayEquals(new int[]{2, 3}, new GlobalAvgPool().outputShape(new int[]{2, 3, 9, 8}));
        assertArrayEquals(new int[]{2, 216}, new Flatten().outputShape(new int[]{2, 3, 9, 8}));
        assertEquals(2L * 2 * 3 * 4 * 4, new BatchNorm2d(3).flops(new int[]{2, 3, 4, 4}));
        Sequential s = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(2 * 4 * 4, 3));
        int[] in = {5, 1, 4, 4};
        assertArrayEquals(new int[]{5, 3}, s.outputShape(in));
        assertEquals(new Conv2d(1, 2, 3).flops(in) + 5 * 2 * 16 + new Linear(32, 3).flops(new int[]{5, 32}), s.flops(in));
    }

    @Test
    void shapeErrorsNameInputAndExpectation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 8, 3).forward(Tensor.zeros(2, 1, 8, 8)));
        assertTrue(e.getMessage().contains("[2, 1, 8, 8]") && e.getMessage().contains("[N, 3, H, W]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Linear(10, 2).forward(Tensor.zeros(4, 3, 2, 2)));
        assertTrue(e.getMessage().contains("[4, 3, 2, 2]") && e.getMessage().contains("[N, 10]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(4).outputShape(new int[]{2, 3, 1, 1}));
        assertTrue(e.getMessage().contains("[2, 3, 1, 1]") && e.getMessage().contains("[N, 4, H, W]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).forward(Tensor.zeros(1, 1, 1, 1)));
        assertTrue(e.getMessage().contains("[1, 1, 1, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 1, 5, 1, 0, false).outputShape(new int[]{1, 1, 3, 3}));
        assertTrue(e.getMessage().contains("[1, 1, 3, 3]"), e.getMessage());
        Conv2d conv = new Conv2d(1, 1, 3);
        conv.forward(Tensor.zeros(1, 1, 4, 4));
        e = assertThrows(IllegalArgumentException.class, () -> conv.backward(Tensor.zeros(1, 1, 3, 3), true));
        assertTrue(e.getMessage().contains("[1, 1, 3, 3]") && e.getMessage().contains("[1, 1, 4, 4]"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new ReLU().backward(Tensor.zeros(1), true));
        assertThrows(IllegalArgumentException.class, () -> new Sequential().add("a", new ReLU()).add("a", new ReLU()));
    }

    @Test
    void buffersAreReusedUntilTheShapeChanges() {
        Conv2d conv = new Conv2d(2, 3, 3);
        Tensor a = GradCheck.uniform(rng, 1, 2, 2, 5, 5);
        Tensor y1 = conv.forward(a);
        Tensor dx1 = conv.backward(GradCheck.uniform(rng, 1, 2, 3, 5, 5), true);
        assertSame(y1, conv.forward(GradCheck.uniform(rng, 1, 2, 2, 5, 5)));
        assertSame(dx1, conv.backward(GradCheck.uniform(rng, 1, 2, 3, 5, 5), true));
        // a smaller batch (the last of an epoch) is a view of the same array; a larger one needs a new array
        Tensor y3 = conv.forward(GradCheck.uniform(rng, 1, 1, 2, 5, 5));
        assertArrayEquals(new int[]{1, 3, 5, 5}, y3.shape());
        assertSame(y1.data(), y3.data());
        Tensor y4 = conv.forward(GradCheck.uniform(rng, 1, 3, 2, 5, 5));
        assertArrayEquals(new int[]{3, 3, 5, 5}, y4.shape());
        assertNotEquals(y1.data().length, y4.data().length);
    }

    @Test
    void batchNormTrainingUsesBatchStatsAndUpdatesRunningStats() {
        BatchNorm2d bn = new BatchNorm2d(1);
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2);
        Tensor y = bn.forward(x);
        double mean = 4.5, var = 5.25; // biased variance of 1..8
        for (int i = 0; i < 8; i++) assertEquals((x.data()[i] - mean) / Math.sqrt(var + 1e-5), y.data()[i], 1e-4);
        assertEquals(0.1 * mean, bn.runningMean().data()[0], 1e-5);
        assertEquals(0.9 + 0.1 * var * 8 / 7, bn.runningVar().data()[0], 1e-4); // unbiased in the running variance
        bn.eval();
        Tensor e = bn.forward(x);
        float rm = bn.runningMean().data()[0], rv = bn.runningVar().data()[0];
        for (int i = 0; i < 8; i++) assertEquals((x.data()[i] - rm) / Math.sqrt(rv + 1e-5), e.data()[i], 1e-4);
        assertEquals(rm, bn.runningMean().data()[0]); // eval leaves the running stats alone
        assertEquals(java.util.Set.of("running_mean", "running_var"), new Sequential(bn).namedBuffers().keySet().stream()
                .map(k -> k.substring(2)).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void dropoutIsDeterministicPerSeedAndIdentityInEval() {
        Tensor x = Tensor.full(1f, 4, 250);
        Dropout a = new Dropout(0.3f, 11), b = new Dropout(0.3f, 11), c = new Dropout(0.3f, 12);
        float[] ya = a.forward(x).toArray(), yb = b.forward(x).toArray(), yc = c.forward(x).toArray();
        assertArrayEquals(ya, yb);
        assertTrue(!java.util.Arrays.equals(ya, yc), "another seed gives another mask");
        assertTrue(!java.util.Arrays.equals(ya, a.forward(x).toArray()), "each step draws a new mask");
        int kept = 0;
        for (float v : ya) {
            assertTrue(v == 0f || Math.abs(v - 1 / 0.7f) < 1e-6, "kept values are scaled by 1/(1-p): " + v);
            if (v != 0f) kept++;
        }
        assertEquals(700, kept, 60); // 1000 draws at keep-probability 0.7
        a.reseed(11);
        assertArrayEquals(ya, a.forward(x).toArray(), "reseeding restarts the sequence");
        a.eval();
        assertSame(x, a.forward(x));
        Tensor dy = GradCheck.uniform(rng, 1, 4, 250);
        assertSame(dy, a.backward(dy, true));
    }

    @Test
    void reluAndPoolsComputeTheirForward() {
        Tensor x = Tensor.of(new float[]{-1, 2, 3, -4, 5, 6, 7, 8, -9, 10, 11, 12, 13, 14, 15, -16}, 1, 1, 4, 4);
        assertArrayEquals(new float[]{0, 2, 3, 0}, java.util.Arrays.copyOf(new ReLU().forward(x).toArray(), 4));
        assertArrayEquals(new float[]{6, 8, 14, 15}, new MaxPool2d(2).forward(x).toArray());
        assertArrayEquals(new float[]{3, 3.5f, 7, 5.5f}, new AvgPool2d(2).forward(x).toArray());
        assertArrayEquals(new float[]{4.75f}, new GlobalAvgPool().forward(x).toArray(), 1e-6f);
        Linear fc = new Linear(2, 2);
        fc.weight().value().copyFrom(Tensor.of(new float[]{1, 2, 3, 4}, 2, 2)); // [out, in]
        fc.bias().value().copyFrom(Tensor.of(new float[]{10, 20}, 2));
        assertArrayEquals(new float[]{10 + 1 + 4, 20 + 3 + 8, 10 - 1, 20 - 3}, fc.forward(Tensor.of(new float[]{1, 2, -1, 0}, 2, 2)).toArray());
    }
}
