package dev.lanes.training.rescale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.resize.ImageResize;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.BatchNormSpec;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.GlobalAvgPoolSpec;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.LinearSpec;
import dev.lanes.nn.arch.ReluSpec;
import dev.lanes.nn.arch.SequenceSpec;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.surgery.Surgery;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.TestData;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.MnistDataset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pieces the rescale method is made of: resized loaders, BN re-estimation, the optimizer handoff, FLOPs. */
class RescalePartsTest {
    private static DataLoader loader(int images, boolean shuffle) {
        Dataset d = TestData.mnistTrain().subset(0, images);
        return DataLoader.builder(d).batchSize(16).shuffle(shuffle).seed(9).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
    }

    @Test
    void aResizedLoaderDeliversTheSameSamplesAreaResized() {
        Dataset d = TestData.mnistTrain().subset(0, 40);
        try (DataLoader full = loader(40, true); DataLoader low = full.resized(14, 14, ImageResize.Method.AREA)) {
            assertArrayEquals(new int[] {1, 14, 14}, low.imageShape());
            assertEquals(full.seed(), low.seed());
            assertArrayEquals(full.order(3), low.order(3));
            try (DataLoader.EpochIterator it = low.epoch(3)) {
                DataLoader.Batch b = it.next();
                float[] raw = new float[28 * 28], small = new float[14 * 14];
                int label = d.get(b.indices()[5], raw, 0);
                ImageResize.resize(ImageResize.Method.AREA, raw, 0, 1, 28, 28, small, 0, 14, 14);
                assertEquals(label, b.labels()[5]);
                float[] got = b.images().toArray();
                for (int i = 0; i < small.length; i++)
                    assertEquals((small[i] - MnistDataset.MEAN[0]) / MnistDataset.STD[0], got[5 * 196 + i], 1e-5f, "pixel " + i);
            }
        }
    }

    private static LayerSpec convBn() {
        return SequenceSpec.of(ConvSpec.square(1, 4, 3, 1, 1, false), new BatchNormSpec(4), new ReluSpec(), new GlobalAvgPoolSpec(), new LinearSpec(4, 10, true));
    }

    @Test
    void batchNormStatisticsBecomeThePlainAverageOfBatchStatistics() {
        Module model = Arch.build(convBn(), 4);
        Conv2d conv = (Conv2d) model.namedModules().get("0");
        BatchNorm2d bn = (BatchNorm2d) model.namedModules().get("1");
        double[] mean = new double[4], var = new double[4];
        int batches = 3;
        try (DataLoader l = loader(64, true)) {
            try (DataLoader.EpochIterator it = l.epoch(2)) {
                for (int k = 0; k < batches; k++) {
                    Tensor y = conv.forward(it.next().images());
                    int n = y.dim(0), hw = y.dim(2) * y.dim(3);
                    float[] v = y.toArray();
                    for (int c = 0; c < 4; c++) {
                        double s = 0, sq = 0;
                        for (int i = 0; i < n; i++) for (int j = 0; j < hw; j++) s += v[(i * 4 + c) * hw + j];
                        double mu = s / (n * hw);
                        for (int i = 0; i < n; i++) for (int j = 0; j < hw; j++) sq += Math.pow(v[(i * 4 + c) * hw + j] - mu, 2);
                        mean[c] += mu / batches;
                        var[c] += sq / (n * hw - 1) / batches; // BN keeps the unbiased variance
                    }
                }
            }
            model.eval();
            assertEquals(batches, BatchNormRecalibration.run(model, l, 2, batches));
            assertFalse(model.isTraining(), "the mode is restored");
        }
        for (int c = 0; c < 4; c++) {
            assertEquals(mean[c], bn.runningMean().get(c), 1e-4 * (1 + Math.abs(mean[c])), "mean " + c);
            assertEquals(var[c], bn.runningVar().get(c), 1e-4 * (1 + var[c]), "variance " + c);
        }
        // the layer's momentum is untouched: the next training batch moves the statistics by 0.1 of the way
        float before = bn.runningMean().get(0);
        model.train();
        Tensor x = Tensor.zeros(2, 1, 8, 8);
        model.forward(x);
        assertEquals(0.9 * before, bn.runningMean().get(0), 1e-6, "zero input: conv output 0, so r ← 0.9·r");
    }

    @Test
    void theOptimizerHandoffResetsKeepsOrTransportsState() {
        LayerSpec lowSpec = LowResolutionPlan.of(convBn(), 28, 28, 2).spec();
        for (OptimizerHandoff.Mode mode : OptimizerHandoff.Mode.values()) {
            Module low = Arch.build(lowSpec, 1);
            Optimizer opt = new Adam(low.namedParameters(), 1e-3f);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            try (DataLoader l = loader(32, false).resized(14, 14, ImageResize.Method.AREA)) {
                try (DataLoader.EpochIterator it = l.epoch(0)) {
                    for (int s = 0; s < 2; s++) {
                        DataLoader.Batch b = it.next();
                        opt.zeroGrad();
                        loss.forward(low.forward(b.images()), b.labels(), 0);
                        low.backward(loss.backward(), false);
                        opt.step();
                    }
                }
            }
            Map<String, Tensor> before = opt.state();
            Module full = Surgery.resampleKernels(low, convBn(), ImageResize.Method.BILINEAR);
            OptimizerHandoff.apply(mode, opt, low, full, Set.of("0.weight"), ImageResize.Method.BILINEAR);
            assertEquals(full.namedParameters(), opt.namedParameters(), mode + ": bound to the new model");
            Map<String, Tensor> after = opt.state();
            assertEquals(2, Optimizer.countValue("step", after.get("step")), mode + ": the step count stays");
            switch (mode) {
                case RESET -> assertEquals(Set.of("step"), after.keySet());
                case KEEP -> {
                    assertFalse(after.containsKey("m.0.weight"));
                    assertArrayEquals(before.get("v.1.weight").toArray(), after.get("v.1.weight").toArray(), "BN keeps its moments");
                    assertArrayEquals(before.get("m.4.weight").toArray(), after.get("m.4.weight").toArray(), "the classifier keeps its moments");
                }
                case TRANSPORT -> {
                    assertArrayEquals(new int[] {4, 1, 3, 3}, after.get("m.0.weight").shape());
                    Tensor m = ImageResize.resize(ImageResize.Method.BILINEAR, before.get("m.0.weight"), 3, 3);
                    assertArrayEquals(m.toArray(), after.get("m.0.weight").toArray(), "m interpolated without gain");
                    for (float v : after.get("v.0.weight").toArray()) assertTrue(v >= 0);
                    assertEquals(2, Optimizer.countValue("t", after.get("t.0.weight")), "the update count stays");
                    assertArrayEquals(before.get("m.4.weight").toArray(), after.get("m.4.weight").toArray());
                }
            }
        }
    }

    /** Forward FLOPs of each top-level conv of a sequential model on {@code input}, in order. */
    private static List<Long> convFlops(Module model, int[] input) {
        List<Long> out = new java.util.ArrayList<>();
        int[] s = input;
        for (Module m : model.children()) {
            if (m instanceof Conv2d) out.add(m.flops(s));
            s = m.outputShape(s);
        }
        return out;
    }

    @Test
    void aRescalableConvCostsOneSixteenthAtHalfResolutionWhenItsKernelAndMapsHalve() {
        // a 6×6 stride-2 conv on 28×28 makes 14×14; at 1/2 it is 3×3 on 14×14 making 7×7: (9/36)·(49/196) = 1/16
        LayerSpec spec = SequenceSpec.of(ConvSpec.square(1, 8, 6, 2, 2, false), new BatchNormSpec(8), new ReluSpec(),
                ConvSpec.square(8, 8, 4, 1, 1, false), new ReluSpec(), new GlobalAvgPoolSpec(), new LinearSpec(8, 10, true));
        LowResolutionPlan.Plan plan = LowResolutionPlan.of(spec, 28, 28, 2);
        List<Long> full = convFlops(Arch.build(spec, 1), new int[] {1, 1, 28, 28});
        List<Long> low = convFlops(Arch.build(plan.spec(), 1), new int[] {1, 1, 14, 14});
        assertEquals(1.0 / 16, (double) low.get(0) / full.get(0), 1e-12);
        // the 4×4 conv (pad 1) makes 13×13 from 14×14; its 2×2 twin on 7×7 makes 6×6 or 8×8 for a target of 6.5,
        // the tie going to the larger: (4/16)·(64/169), not 1/16 — odd map sizes cannot halve exactly
        assertEquals(4.0 / 16 * 64 / 169, (double) low.get(1) / full.get(1), 1e-12);
        // gap-cnn: 5×5 → 3×3 on maps of a quarter of the area, 3×3 → 2×2 on 7×7 → 3×3 maps (ties to the larger)
        List<Long> g = convFlops(Zoo.create("gap-cnn", 1, 10, 1), new int[] {1, 1, 28, 28});
        List<Long> gl = convFlops(Arch.build(LowResolutionPlan.of(Zoo.create("gap-cnn", 1, 10, 1).spec(), 28, 28, 2).spec(), 1), new int[] {1, 1, 14, 14});
        assertEquals(9.0 / 25 / 4, (double) gl.get(0) / g.get(0), 1e-12);
        assertEquals(9.0 / 25 / 4, (double) gl.get(1) / g.get(1), 1e-12);
        assertEquals(4.0 / 9 * 16 / 49, (double) gl.get(2) / g.get(2), 1e-12);
    }
}
