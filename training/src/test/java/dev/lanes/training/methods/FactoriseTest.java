package dev.lanes.training.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.surgery.Surgery;
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
import dev.lanes.training.lowrank.RankCriterion;
import dev.lanes.training.lowrank.RankPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lowrank method on a few MNIST images with lenet5: the surgery happens at the start of epoch E and the run
 * continues from exactly the factorised model with a fresh optimizer state, the FLOPs the run reports drop, a
 * checkpoint before or after the switch resumes bit for bit, and bad options are refused.
 */
class FactoriseTest {
    @TempDir Path tmp;
    private static final int[] SHAPE = {1, 28, 28};
    private static final int IMAGES = 96;

    @BeforeAll
    static void threads() {
        Parallel.setThreads(2);
    }

    private static DataLoader validation() {
        return DataLoader.builder(TestData.mnistTest().subset(0, 64)).batchSize(32).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
    }

    private static Trainer trainer(String method, int epochs, List<TrainingListener> listeners) {
        Module model = Zoo.create("lenet5", 1, 10, 3);
        Dataset train = TestData.mnistTrain().subset(0, IMAGES);
        DataLoader tl = DataLoader.builder(train).batchSize(32).shuffle(true).seed(5).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        Trainer.Builder b = Trainer.builder(model, new Adam(model.namedParameters(), 2e-3f), tl).validation(validation()).epochs(epochs).seed(5)
                .schedule(CosineLr.perIteration(2e-3f, 0f, epochs));
        if (method != null) b.method(Methods.create(method));
        listeners.forEach(b::listener);
        return b.build();
    }

    /** The logits of the first validation batch, in eval mode (the model's mode is restored). */
    private static Tensor logits(Module m) {
        boolean training = m.isTraining();
        m.eval();
        try (DataLoader v = validation(); DataLoader.EpochIterator it = v.epoch(0)) {
            return m.forward(it.next().images()).copy();
        } finally {
            m.setTraining(training);
        }
    }

    private static void assertSameState(Module want, Module got) {
        Map<String, Parameter> w = want.namedParameters(), g = got.namedParameters();
        assertEquals(w.keySet(), g.keySet());
        for (String k : w.keySet()) assertArrayEquals(w.get(k).value().toArray(), g.get(k).value().toArray(), k);
        Map<String, Tensor> wb = want.namedBuffers(), gb = got.namedBuffers();
        assertEquals(wb.keySet(), gb.keySet());
        for (String k : wb.keySet()) assertArrayEquals(wb.get(k).toArray(), gb.get(k).toArray(), k);
    }

    @Test
    void theSurgeryHappensAtTheStartOfEpochEAndTheRunContinuesFromTheFactorisedModel() {
        Module[] beforeSwitch = new Module[1];
        TrainingResult base = trainer(null, 3, List.of(new TrainingListener() {
            @Override public void onEpochEnd(EpochMetrics m, TrainingView run) { if (m.epoch() == 2) beforeSwitch[0] = Surgery.copy(run.model()); }
        })).fit();
        List<LayerSpec> specs = new ArrayList<>();
        List<Set<String>> optimizerState = new ArrayList<>();
        Tensor[] afterSwitch = new Tensor[1];
        long[] steps = new long[2];
        Trainer t = trainer("lowrank:at=3,flops=0.5", 3, List.of(new TrainingListener() {
            @Override public void onEpochEnd(EpochMetrics m, TrainingView run) {
                specs.add(run.model().spec());
                optimizerState.add(run.optimizer().state().keySet());
                if (m.epoch() == 2) {
                    afterSwitch[0] = logits(run.model());
                    steps[0] = run.optimizer().stepCount();
                    steps[1] = run.globalStep();
                }
            }
        }));
        TrainingResult r = t.fit();
        Factorise method = (Factorise) t.methods().get(0);

        // epochs 1 and 2 train the model as it is: the same bits as the run without the method
        for (int e = 0; e < 2; e++) assertEquals(base.history().get(e).valLoss(), r.history().get(e).valLoss(), "epoch " + (e + 1));
        assertEquals(Zoo.create("lenet5", 1, 10, 3).spec(), specs.get(0), "not factorised after epoch 1");
        // the surgery at the start of epoch 3 is the LowRank surgery of the model epoch 2 left, ranks by the criterion
        RankPlan plan = RankPlan.of(beforeSwitch[0], SHAPE, RankCriterion.flops(0.5));
        Module expected = plan.apply(beforeSwitch[0]);
        assertTrue(method.factorised());
        assertEquals(plan.ranks(), method.ranks());
        assertTrue(!plan.ranks().isEmpty());
        assertEquals(expected.spec(), specs.get(1));
        assertNotEquals(specs.get(0), specs.get(1));
        assertArrayEquals(logits(expected).toArray(), afterSwitch[0].toArray(), "epoch 3 starts from the factorised model's outputs");
        // a fresh optimizer state: no moments, the step count kept
        assertEquals(Set.of("step"), optimizerState.get(1), "optimizer state right after the switch");
        assertEquals(steps[1], steps[0]);
        assertTrue(optimizerState.get(2).size() > 1, "epoch 3 trained the factorised model");
        // the FLOPs the run reports drop to the factorised model's
        long perImage = Cost.perImage(expected, SHAPE, 0).forward();
        assertEquals(perImage * IMAGES, r.history().get(2).forwardFlops());
        assertEquals(base.history().get(1).forwardFlops(), r.history().get(1).forwardFlops());
        assertTrue(r.history().get(2).forwardFlops() < r.history().get(1).forwardFlops());
        assertTrue(plan.flopsAfter() <= 0.5 * plan.flopsBefore(), plan.flopsAfter() + " of " + plan.flopsBefore());
        String summary = method.summary().toString();
        assertTrue(summary.contains("\"flops_after\": " + plan.flopsAfter()) && summary.contains("\"conv_flops_after\": " + plan.convFlopsAfter()), summary);
        assertTrue(Double.isFinite(r.last().trainLoss()));
    }

    @Test
    void atOneFactorisesBeforeTheFirstStep() {
        Trainer t = trainer("lowrank:at=1,energy=0.5", 1, List.of());
        LayerSpec original = t.model().spec();
        t.fit();
        assertNotEquals(original, t.model().spec());
        assertEquals(Cost.perImage(t.model(), SHAPE, 0).forward() * IMAGES, t.history().get(0).forwardFlops());
    }

    @Test
    void aCheckpointBeforeOrAfterTheSwitchResumesExactly() throws Exception {
        String method = "lowrank:at=3";
        Trainer straight = trainer(method, 4, List.of());
        TrainingResult want = straight.fit();
        Path dir = tmp.resolve("ckpt");
        trainer(method, 4, List.of(new CheckpointListener(dir, Map.of(), 4))).fit();
        for (int from : new int[] {1, 2, 3}) {
            Trainer resumed = trainer(method, 4, List.of());
            Checkpoint.restore(Checkpoint.fileFor(dir, from), resumed);
            TrainingResult got = resumed.fit();
            assertSameState(straight.model(), resumed.model());
            assertEquals(want.last().valLoss(), got.last().valLoss(), "resumed after epoch " + from);
            assertEquals(straight.methods().get(0).summary().toString(), resumed.methods().get(0).summary().toString());
        }
    }

    @Test
    void badOptionsAreRefused() {
        for (String bad : new String[] {"lowrank", "lowrank:at=0", "lowrank:at=2,flops=0", "lowrank:at=2,energy=1.5", "lowrank:at=2,flops=0.5,energy=0.9",
                "lowrank:at=2,rank=3", "lowrank:at=x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Methods.create(bad), bad);
            assertTrue(e.getMessage().contains("lowrank"), bad + ": " + e.getMessage());
        }
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class, () -> trainer("lowrank:at=3", 2, List.of()).fit());
        assertTrue(late.getMessage().contains("at=3 is after the run's last epoch (2)"), late.getMessage());
    }
}
