package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Layers built from given parameters read their geometry from them; AdaptiveAvgPool2d's bins follow PyTorch. */
class LayerPartsTest {
    @Test
    void conv2dReadsItsGeometryFromTheWeight() {
        Parameter w = new Parameter("weight", 5, 3, 2, 4), b = new Parameter("bias", 5);
        Conv2d conv = new Conv2d(w, b, 2, 1, 1, 0);
        assertSame(w, conv.weight());
        assertSame(b, conv.bias());
        assertEquals(3, conv.inChannels());
        assertEquals(5, conv.outChannels());
        assertEquals(2, conv.kernelH());
        assertEquals(4, conv.kernelW());
        assertEquals(2, conv.strideH());
        assertEquals(1, conv.strideW());
        assertEquals(1, conv.padH());
        assertEquals(0, conv.padW());
        assertTrue(conv.hasBias());
        // OH = (7 + 2 - 2) / 2 + 1 = 4, OW = (9 - 4) / 1 + 1 = 6
        assertArrayEquals(new int[]{1, 5, 4, 6}, conv.outputShape(new int[]{1, 3, 7, 9}));
        assertEquals("Conv2d(3→5, 2x4, stride 2x1, pad 1x0)", conv.describe());
    }

    @Test
    void conv2dFromPartsComputesWhatTheConvenienceConstructorDoes() {
        SplittableRandom rng = new SplittableRandom(3);
        Conv2d a = new Conv2d(2, 3, 3, 2, 2, 1, 1, 0, true);
        a.resetParameters(rng);
        a.bias().value().copyFrom(GradCheck.uniform(rng, 1, 3));
        Conv2d b = new Conv2d(new Parameter("weight", a.weight().value().copy()), new Parameter("bias", a.bias().value().copy()), 2, 1, 1, 0);
        Tensor x = GradCheck.uniform(rng, 1, 2, 2, 6, 5);
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
    }

    @Test
    void partsThatDoNotFitAreRefusedWithTheirShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(new Parameter("weight", 4, 3, 3), null, 1, 1, 0, 0));
        assertTrue(e.getMessage().contains("rank 4") && e.getMessage().contains("[4, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(new Parameter("weight", 4, 3, 3, 3), new Parameter("bias", 5), 1, 1, 0, 0));
        assertTrue(e.getMessage().contains("[5]") && e.getMessage().contains("4 channels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(new Parameter("w", 4, 3, 3, 3), null, 1, 1, 0, 0));
        assertTrue(e.getMessage().contains("\"weight\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(new Parameter("weight", 4, 3, 3, 3), null, 0, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Linear(new Parameter("weight", 4, 3), new Parameter("bias", 3)));
        assertThrows(IllegalArgumentException.class, () -> new Linear(new Parameter("weight", 4), null));
        assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(new Parameter("weight", 3), new Parameter("bias", 3), Tensor.zeros(4), Tensor.zeros(3), 0.1f, 1e-5f));
        assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(new Parameter("weight", 3), new Parameter("bias", 2), Tensor.zeros(3), Tensor.zeros(3), 0.1f, 1e-5f));
        Tensor shared = Tensor.zeros(3);
        assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(new Parameter("weight", 3), new Parameter("bias", 3), shared, shared, 0.1f, 1e-5f));
    }

    @Test
    void linearAndBatchNormFromParts() {
        Parameter w = new Parameter("weight", 4, 6);
        Linear fc = new Linear(w, null);
        assertEquals(6, fc.inFeatures());
        assertEquals(4, fc.outFeatures());
        assertEquals(false, fc.hasBias());
        Tensor mean = Tensor.full(0.5f, 2), var = Tensor.full(4f, 2);
        BatchNorm2d bn = new BatchNorm2d(new Parameter("weight", Tensor.full(2f, 2)), new Parameter("bias", Tensor.full(1f, 2)), mean, var, 0.2f, 1e-3f);
        assertEquals(2, bn.channels());
        assertSame(mean, bn.runningMean());
        assertEquals(0.2f, bn.momentum());
        assertEquals(java.util.List.of("weight", "bias"), bn.parameters().stream().map(Parameter::name).toList());
        bn.eval();
        Tensor y = bn.forward(Tensor.full(2.5f, 1, 2, 1, 1));
        assertEquals(2f * 2f / (float) Math.sqrt(4.001) + 1f, y.data()[0], 1e-6f);
    }

    /** H = 5 to OH = 3: PyTorch's bins are rows [0, 2), [1, 4), [3, 5). */
    @Test
    void adaptiveAvgPoolUsesPyTorchsBins() {
        Tensor x = Tensor.zeros(1, 1, 5, 1);
        for (int i = 0; i < 5; i++) x.data()[i] = i * i;
        Tensor y = new AdaptiveAvgPool2d(3, 1).forward(x);
        assertArrayEquals(new float[]{(0 + 1) / 2f, (1 + 4 + 9) / 3f, (9 + 16) / 2f}, y.toArray(), 1e-6f);
        // fewer rows than outputs: each output row is one input row, repeated
        Tensor small = Tensor.of(new float[]{1, 2}, 1, 1, 2, 1);
        assertArrayEquals(new float[]{1, 1, 2, 2}, new AdaptiveAvgPool2d(4, 1).forward(small).toArray());
        assertArrayEquals(new int[]{2, 3, 4, 2}, new AdaptiveAvgPool2d(4, 2).outputShape(new int[]{2, 3, 9, 9}));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(2, 2).outputShape(new int[]{2, 3, 9}));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(0, 2));
    }

    @Test
    void adaptiveAvgPoolIsAnAveragePoolWhenTheSizeDividesAndTheIdentityAtTheSameSize() {
        SplittableRandom rng = new SplittableRandom(9);
        Tensor x = GradCheck.uniform(rng, 1, 2, 3, 8, 6);
        assertArrayEquals(new AvgPool2d(2).forward(x).toArray(), new AdaptiveAvgPool2d(4, 3).forward(x).toArray(), 1e-6f);
        assertArrayEquals(x.toArray(), new AdaptiveAvgPool2d(8, 6).forward(x).toArray());
        assertEquals(new AvgPool2d(2).flops(new int[]{2, 3, 8, 6}), new AdaptiveAvgPool2d(4, 3).flops(new int[]{2, 3, 8, 6}));
    }
}
