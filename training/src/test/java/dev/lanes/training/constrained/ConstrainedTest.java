package dev.lanes.training.constrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.ternary.TernaryBase3;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.SavedModel;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryQuantizer;
import dev.lanes.nn.param.TernaryStorage;
import dev.lanes.nn.zoo.Mlp;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.data.TableDataset;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConstrainedTest {
    @TempDir Path tmp;

    @Test
    void anExhaustiveSweepLowersTheLossOfARandomTernaryNet() {
        TableDataset data = ConstrainedProperties.table(3, 40, 4, 3);
        Sequential net = Mlp.create(4, 3, 3, 8);
        ExhaustiveSweep sweep = new ExhaustiveSweep(net, new ConstrainedWeights(net, Granularity.PER_CHANNEL, TernaryQuantizer.TWN_THRESHOLD));
        Tensor x = ConstrainedProperties.rows(data);
        int[] y = ConstrainedProperties.labels(data);
        float before = new SoftmaxCrossEntropy().forward(net.forward(x), y, 0);
        float after = sweep.sweep(x, y, Integer.MAX_VALUE);
        assertTrue(after < before - 0.05f, before + " -> " + after);
        assertTrue(sweep.changes() > 0);
        assertEquals(2L * (4 * 8 + 8 * 3), sweep.trials(), "a full sweep tries the two other values of every weight");
    }

    @Test
    void aModelThatIsNotAnMlpIsRefusedByExhaustiveMode() {
        Sequential cnn = Zoo.create("small-cnn", 1, 8, 8, 2, 1);
        ConstrainedWeights w = new ConstrainedWeights(cnn, Granularity.PER_CHANNEL, TernaryQuantizer.TWN_THRESHOLD);
        var e = assertThrows(IllegalArgumentException.class, () -> new ExhaustiveSweep(cnn, w));
        assertTrue(e.getMessage().contains("mode=blocks"), e.getMessage());
    }

    @Test
    void aSavedTernaryModelLoadsWithIdenticalOutputsAndAPayloadOverSixteenTimesSmaller() throws Exception {
        Sequential net = Mlp.create(784, 10, 5, 128);
        int weightValues = 784 * 128 + 128 * 10, biasValues = 128 + 10;
        Path fp32 = tmp.resolve("fp32.lanes"), ternary = tmp.resolve("ternary.lanes");
        ModelFile.save(fp32, net);
        new ConstrainedWeights(net, Granularity.PER_CHANNEL, TernaryQuantizer.TWN_THRESHOLD);
        ModelFile.save(ternary, net);
        Sequential loaded = Mlp.create(784, 10, 99, 128); // other weights: everything must come from the file
        SavedModel saved = ModelFile.read(ternary);
        saved.loadInto(loaded);
        assertTrue(loaded.get(1).parameters().get(0).isPacked(), "loaded packed");
        Tensor x = Tensor.zeros(7, 784);
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian();
        net.eval();
        loaded.eval();
        assertArrayEquals(net.forward(x).copy().data(), loaded.forward(x).data(), "identical outputs");

        long weightsFp32 = 4L * weightValues;
        long weightsPacked = 0, scales = 0;
        for (TernaryStorage t : saved.contents().packed().values()) {
            weightsPacked += 4L * TernaryBase3.words(t.size()) + 4L * t.scaleCount();
            scales += t.scaleCount();
        }
        assertEquals(128 + 10, scales);
        assertTrue(weightsFp32 >= 16 * weightsPacked, "weights with their scales: " + weightsFp32 + " vs " + weightsPacked + " bytes");
        // weights with scales 406 528 vs 20 880 bytes (19.5x); the whole payload with the float biases 407 080 vs 21 432 (19.0x)
        assertEquals(4L * (weightValues + biasValues), ModelFile.read(fp32).parameterBytes());
        assertEquals(weightsPacked + 4L * biasValues, saved.parameterBytes());
    }

    @Test
    void blockMovesLowerTheBatchLossOfASmallCnn() {
        Sequential cnn = Zoo.create("small-cnn", 1, 8, 8, 3, 2);
        ConstrainedWeights w = new ConstrainedWeights(cnn, Granularity.PER_CHANNEL, TernaryQuantizer.TWN_THRESHOLD);
        BlockMove blocks = new BlockMove(cnn, w, 20, 1.5, 0.5);
        Tensor x = Tensor.zeros(16, 1, 8, 8);
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian();
        int[] y = new int[16];
        for (int i = 0; i < y.length; i++) y[i] = i % 3;
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        float first = Float.NaN, loss = Float.NaN;
        for (int step = 0; step < 8; step++) {
            for (Parameter p : cnn.parameters()) p.zeroGrad();
            loss = ce.forward(cnn.forward(x), y, 0);
            if (step == 0) first = loss;
            cnn.backward(ce.backward(), false);
            float after = blocks.move(x, y, loss);
            assertTrue(after <= loss, "a block is kept only if the loss falls");
        }
        assertTrue(blocks.accepted() > 0, "some block was accepted");
        assertTrue(loss < first, first + " -> " + loss);
        assertEquals(-1, w.weight(0).ternary().constraint().firstOutside(w.weight(0).ternary()));
    }

    /** With momentum the scores come from v ← β·v + (1−β)·g per coordinate, and the block still only keeps moves that lower the loss. */
    @Test
    void blockMovesWithMomentumFollowTheGradientsRunningMean() {
        Sequential cnn = Zoo.create("small-cnn", 1, 8, 8, 3, 2);
        ConstrainedWeights w = new ConstrainedWeights(cnn, Granularity.PER_CHANNEL, TernaryQuantizer.TWN_THRESHOLD);
        BlockMove blocks = new BlockMove(cnn, w, 20, 1.5, 0.5, 0.75f);
        int n = w.coordinateCount();
        SplittableRandom rng = new SplittableRandom(6);
        float[] v0 = new float[n];
        for (int c = 0; c < n; c++) v0[c] = (float) rng.nextGaussian() * 1e-3f;
        blocks.loadVelocity(v0);
        Tensor x = Tensor.zeros(16, 1, 8, 8);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian();
        int[] y = new int[16];
        for (int i = 0; i < y.length; i++) y[i] = i % 3;
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        for (Parameter p : cnn.parameters()) p.zeroGrad();
        float loss = ce.forward(cnn.forward(x), y, 0);
        cnn.backward(ce.backward(), false);
        float[] g = new float[n];
        for (int t = 0; t < w.tensorCount(); t++) System.arraycopy(w.weight(t).grad().data(), 0, g, w.offset(t), w.weight(t).size());
        assertTrue(blocks.move(x, y, loss) <= loss, "a block is kept only if the loss falls");
        float[] v = blocks.velocity();
        for (int c = 0; c < n; c++) assertEquals(0.75f * v0[c] + 0.25f * g[c], v[c], 0f, "coordinate " + c);
        assertThrows(IllegalArgumentException.class, () -> blocks.loadVelocity(new float[n - 1]));
        assertThrows(IllegalArgumentException.class, () -> new BlockMove(cnn, w, 20, 1.5, 0.5, 1f));
    }
}
