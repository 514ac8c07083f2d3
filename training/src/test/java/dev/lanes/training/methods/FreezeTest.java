package dev.lanes.training.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.Checkpoint;
import dev.lanes.training.CheckpointListener;
import dev.lanes.training.Cost;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.TestData;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingListener;
import dev.lanes.training.TrainingResult;
import dev.lanes.training.TrainingView;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.MnistDataset;
import dev.lanes.training.freeze.FrozenPrefixStep;
import dev.lanes.training.freeze.Stages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The freeze and freezeout methods on small runs: what freezing changes, what it must not, and exactness. */
class FreezeTest {
    /** Freezes every stage but the head after the first epoch: each stage's change is below an absolute threshold of 1e9. */
    static final String FREEZE_ALL_AFTER_1 = "freeze:warmup=0,threshold=absolute,tau=1e9";

    @TempDir Path tmp;

    @BeforeAll
    static void threads() {
        Parallel.setThreads(2);
    }

    static Trainer trainer(Module model, String method, int epochs, boolean augment, List<TrainingListener> listeners) {
        Dataset train = TestData.mnistTrain().subset(0, 200), val = TestData.mnistTest().subset(0, 64);
        DataLoader.Builder tb = DataLoader.builder(train).batchSize(32).shuffle(true).seed(5).normalize(MnistDataset.MEAN, MnistDataset.STD);
        if (augment) tb.randomCrop(2);
        DataLoader vl = DataLoader.builder(val).batchSize(32).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        Trainer.Builder b = Trainer.builder(model, new Adam(model.namedParameters(), 2e-3f), tb.build()).validation(vl).epochs(epochs).seed(5)
                .schedule(CosineLr.perIteration(2e-3f, 0f, epochs));
        if (method != null) b.method(Methods.create(method));
        listeners.forEach(b::listener);
        return b.build();
    }

    static float[][] values(List<Parameter> ps) {
        float[][] v = new float[ps.size()][];
        for (int i = 0; i < v.length; i++) v[i] = ps.get(i).value().toArray();
        return v;
    }

    static float[][] buffers(Module m) {
        List<Tensor> bs = new ArrayList<>(m.namedBuffers().values());
        float[][] v = new float[bs.size()][];
        for (int i = 0; i < v.length; i++) v[i] = bs.get(i).toArray();
        return v;
    }

    static void assertSameParameters(Module a, Module b) {
        float[][] va = values(a.parameters()), vb = values(b.parameters());
        for (int i = 0; i < va.length; i++) assertArrayEquals(va[i], vb[i], "parameter " + i);
        float[][] ba = buffers(a), bb = buffers(b);
        for (int i = 0; i < ba.length; i++) assertArrayEquals(ba[i], bb[i], "buffer " + i);
    }

    @Test
    void stagesAreConvBlocksResidualBlocksAndTheHead() {
        Stages vgg = Stages.of(Zoo.create("vgg11-w0.125", 1, 10, 1));
        assertEquals(9, vgg.count(), "8 conv stages and the classifier");
        assertEquals("features.0..features.3", vgg.name(0), "conv, BN, ReLU, pool");
        assertEquals("fc", vgg.name(8));
        Stages resnet = Stages.of(Zoo.create("resnet20", 1, 10, 1));
        assertEquals(11, resnet.count(), "the stem, 9 blocks, the classifier");
        assertEquals("conv1..relu", resnet.name(0));
        assertEquals("layer2.0", resnet.name(4));
        assertEquals("layer3.2..pool", resnet.name(9));
        Stages lenet = Stages.of(Zoo.create("lenet5", 1, 10, 1));
        assertEquals(List.of("conv1..pool1", "conv2..flatten", "fc1..relu3", "fc2..relu4", "fc3"),
                List.of(lenet.name(0), lenet.name(1), lenet.name(2), lenet.name(3), lenet.name(4)));
        assertThrows(IllegalArgumentException.class, () -> Stages.of(new dev.lanes.nn.layers.Linear(3, 2)));
    }

    @Test
    void withNothingFrozenTheStepIsTheOrdinaryGradientStep() {
        // a threshold no score is below: nothing ever freezes
        Sequential a = Zoo.create("vgg11-w0.125", 1, 10, 3), b = Zoo.create("vgg11-w0.125", 1, 10, 3);
        trainer(a, null, 2, false, List.of()).fit();
        Trainer t = trainer(b, "freeze:warmup=0,threshold=absolute,tau=1e-30", 2, false, List.of());
        t.fit();
        assertEquals(0, ((Freeze) t.methods().get(0)).step().frozenStages());
        assertSameParameters(a, b);
    }

    @Test
    void frozenStagesKeepTheirParametersStatisticsAndHaveNoOptimizerState() {
        Sequential model = Zoo.create("vgg11-w0.125", 1, 10, 3);
        Stages stages = Stages.of(model);
        List<Parameter> frozen = new ArrayList<>(), head = new ArrayList<>(stages.parameters(stages.count() - 1));
        for (int s = 0; s + 1 < stages.count(); s++) frozen.addAll(stages.parameters(s));
        Module features = model.get("features");
        List<float[][]> frozenAfter = new ArrayList<>(), headAfter = new ArrayList<>(), statsAfter = new ArrayList<>();
        List<Boolean> anyState = new ArrayList<>();
        Trainer t = trainer(model, FREEZE_ALL_AFTER_1, 3, false, List.of(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m, TrainingView run) {
                frozenAfter.add(values(frozen));
                headAfter.add(values(head));
                statsAfter.add(buffers(features));
                boolean state = false;
                for (Map.Entry<String, Parameter> e : run.model().namedParameters().entrySet()) {
                    if (frozen.contains(e.getValue())) state |= run.optimizer().hasState(e.getKey());
                }
                anyState.add(state);
            }
        }));
        TrainingResult r = t.fit();
        Freeze method = (Freeze) t.methods().get(0);
        assertEquals(stages.count() - 1, method.step().frozenStages(), "all but the head froze after epoch 1");
        for (Parameter p : frozen) assertFalse(p.trainable());
        assertEquals(List.of(false, false, false), anyState, "frozen parameters have no optimizer state (dropped when they froze)");
        for (int e = 1; e < 3; e++) {
            for (int p = 0; p < frozen.size(); p++) assertArrayEquals(frozenAfter.get(0)[p], frozenAfter.get(e)[p], "parameter " + p + " epoch " + (e + 1));
            for (int p = 0; p < statsAfter.get(0).length; p++) assertArrayEquals(statsAfter.get(0)[p], statsAfter.get(e)[p], "BN runs on its running statistics");
            assertFalse(java.util.Arrays.equals(headAfter.get(e - 1)[0], headAfter.get(e)[0]), "the head trains on");
        }
        // epoch 2 fills the cache (the prefix runs forward), epoch 3 reads it: forward work of the head only
        List<EpochMetrics> h = r.history();
        int[] image = {1, 28, 28};
        Sequential units = stages.units();
        assertEquals(Cost.perImage(units, image, 0).forward() * 200, h.get(1).forwardFlops());
        assertEquals(Cost.perImage(units, image, stages.firstUnit(stages.count() - 1)).forward() * 200, h.get(2).forwardFlops());
        assertTrue(h.get(2).forwardFlops() < h.get(0).forwardFlops() / 100, "the head of vgg11 is a tiny part of its forward work");
        assertTrue(h.get(1).trainFlops() < h.get(0).trainFlops() && h.get(2).trainFlops() < h.get(1).trainFlops());
        assertTrue(method.step().cacheBytes() == 200L * 64 * 2, "200 samples of 64 float16 values: " + method.step().cacheBytes());
        assertTrue(method.forwardFlopsReduction() > 0.3, "one of three epochs ran almost no forward work: " + method.forwardFlopsReduction());
    }

    @Test
    void cachedPrefixOutputsAreTheRecomputedOnesBitForBit() {
        // full precision: a run reading the cache in epoch 3 must equal one recomputing the prefix every batch,
        // which holds only if a sample's prefix output does not depend on the batch it came in
        for (String model : List.of("vgg11-w0.125", "resnet8")) {
            Sequential cached = Zoo.create(model, 1, 10, 4), recomputed = Zoo.create(model, 1, 10, 4);
            Trainer t = trainer(cached, "freeze:warmup=0,threshold=absolute,tau=1e9,keep=2,cache=full", 3, false, List.of());
            t.fit();
            assertTrue(((Freeze) t.methods().get(0)).step().cacheComplete(), model);
            trainer(recomputed, "freeze:warmup=0,threshold=absolute,tau=1e9,keep=2,cache=off", 3, false, List.of()).fit();
            assertSameParameters(cached, recomputed);
        }
    }

    @Test
    void anAugmentingLoaderRunsThePrefixForwardOnlyAndCachesNothing() {
        Sequential model = Zoo.create("vgg11-w0.125", 1, 10, 3);
        Trainer t = trainer(model, FREEZE_ALL_AFTER_1, 3, true, List.of());
        TrainingResult r = t.fit();
        FrozenPrefixStep step = ((Freeze) t.methods().get(0)).step();
        assertNull(step.cache());
        assertEquals(0, step.cachedPrefix());
        assertEquals(r.history().get(0).forwardFlops(), r.history().get(2).forwardFlops(), "the frozen prefix still runs forward");
        assertTrue(r.history().get(2).trainFlops() < r.history().get(0).trainFlops());
    }

    @Test
    void resumingAfterAFreezeContinuesExactly() throws Exception {
        String method = "freeze:warmup=0,threshold=absolute,tau=1e9,keep=3";
        Sequential a = Zoo.create("resnet8", 1, 10, 3);
        Trainer ta = trainer(a, method, 3, false, List.of());
        ta.fit();
        Path dir = tmp.resolve("ckpt");
        trainer(Zoo.create("resnet8", 1, 10, 3), method, 3, false, List.of(new CheckpointListener(dir, Map.of(), 3))).fit();
        Sequential c = Zoo.create("resnet8", 1, 10, 99);
        Trainer resumed = trainer(c, method, 3, false, List.of());
        Checkpoint.restore(Checkpoint.fileFor(dir, 2), resumed); // frozen after epoch 1 and the cache filled in epoch 2: the uninterrupted run reads it in epoch 3, the resumed one recomputes it
        Freeze m = (Freeze) resumed.methods().get(0);
        assertEquals(2, m.scores().size(), "score history restored");
        resumed.fit();
        assertEquals(((Freeze) ta.methods().get(0)).step().frozenStages(), m.step().frozenStages());
        assertSameParameters(a, c);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(((Freeze) ta.methods().get(0)).scores().get(i), m.scores().get(i), 0, "check " + i);
        }
    }

    @Test
    void scoresDecideFromTheWarmUpOnAndChecksCanRunEveryNSteps() {
        // 200 samples in batches of 32: 7 steps per epoch; every=3 checks after steps 3, 6 and 7
        Trainer t = trainer(Zoo.create("lenet5", 1, 10, 3), "freeze:every=3,warmup=2", 3, false, List.of());
        t.fit();
        Freeze m = (Freeze) t.methods().get(0);
        assertEquals(9, m.scores().size());
        for (double[] s : m.scores()) {
            assertEquals(5, s.length);
            for (double v : s) assertTrue(v > 0 && v < 1, java.util.Arrays.toString(s));
        }
    }

    @Test
    void freezeOutFreezesStageIAtItsFractionOfTraining() {
        assertEquals(0.5, FreezeOut.freezeAt(0.5, 0, 4));
        assertEquals(0.875, FreezeOut.freezeAt(0.5, 3, 4));
        // lenet5: 5 stages, 4 freezable; 4 epochs: t_i = 0.5, 0.625, 0.75, 0.875 → 1 after epoch 2, 3 after epoch 3, 4 after epoch 4
        List<Integer> prefixes = new ArrayList<>();
        Trainer t = trainer(Zoo.create("lenet5", 1, 10, 3), "freezeout:t0=0.5", 4, false, List.of(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m, TrainingView run) {
                prefixes.add(((FrozenPrefixStep) run.step()).frozenStages());
            }
        }));
        t.fit();
        assertEquals(List.of(0, 1, 3, 4), prefixes);
    }

    @Test
    void badOptionsAreRefusedWithTheirReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("freeze:tau=0")).getMessage().contains("tau"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("freeze:cache=zip")).getMessage().contains("half, full or off"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("freeze:threshold=mean")).getMessage().contains("relative, absolute, decay or settled"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("freezeout:t0=1.5")).getMessage().contains("t0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("freeze:layers=2")).getMessage().contains("no option 'layers'"));
        Sequential m = Zoo.create("lenet5", 1, 10, 1);
        assertThrows(IllegalArgumentException.class, () -> trainer(m, "freeze:keep=5", 1, false, List.of()).fit());
    }
}
