package dev.lanes.training.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.surgery.SpecPaths;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.Checkpoint;
import dev.lanes.training.CheckpointListener;
import dev.lanes.training.TestData;
import dev.lanes.training.Trainer;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.MnistDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rescale → freezing → prune in one run (gap-cnn, 96 MNIST images): each method acts on what the previous ones made. */
class ComposeTest {
    @TempDir Path tmp;

    @BeforeAll
    static void threads() {
        Parallel.setThreads(2);
    }

    /** rescale switches after epoch 1; the planter makes filters of the low twin dead; freezeout (t0 0.3, 4 stages) freezes 2 stages after epoch 2. */
    private static Trainer.Builder builder(Module model) {
        Dataset train = TestData.mnistTrain().subset(0, 96), val = TestData.mnistTest().subset(0, 32);
        DataLoader tl = DataLoader.builder(train).batchSize(32).shuffle(true).seed(5).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        DataLoader vl = DataLoader.builder(val).batchSize(32).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        return Trainer.builder(model, new Adam(model.namedParameters(), 2e-3f), tl).validation(vl).epochs(3).seed(5)
                .schedule(CosineLr.perIteration(2e-3f, 0f, 3))
                .method(Methods.create("rescale:switch=1")).method(new PruneTest.Planter()).method(Methods.create("freezeout:t0=0.3"))
                .method(Methods.create("prune"));
    }

    private static int out(Module m, String conv) { return ((ConvSpec) SpecPaths.get(m.spec(), conv)).out(); }

    @Test
    void rescaleThenFreezeThenPruneEachActOnTheOthersModelAndResumeExactlyAcrossEveryPhase() throws Exception {
        Path dir = tmp.resolve("ckpt");
        PruneTest.Witness w = new PruneTest.Witness();
        Module full = Zoo.create("gap-cnn", 1, 10, 3);
        Trainer t = builder(full).method(w).listener(new CheckpointListener(dir, Map.of(), 3)).build();
        t.fit();
        Rescale r = (Rescale) t.methods().get(0);
        FreezeOut f = (FreezeOut) t.methods().get(2);
        Prune p = (Prune) t.methods().get(3);
        assertEquals(1, r.switchedAfter());
        assertEquals(List.of(1, 2), w.atEpoch, "the switch after epoch 1, the prune before the last epoch");
        // freezing followed the switch: its step ran the full-resolution model, not the low twin
        assertEquals(full.spec(), w.before.get(1).spec(), "prune saw the full-resolution model");
        assertTrue(f.step().stages().units().get(0) == t.model().namedModules().get("conv1"), "freezeout's step trains the final model");
        // prune left the two stages freezeout froze after epoch 2 alone and took conv3's dead filters
        assertEquals(2, p.prunedAfter());
        assertEquals(16, out(t.model(), "conv1"));
        assertEquals(32, out(t.model(), "conv2"));
        assertEquals(62, out(t.model(), "conv3"));
        assertTrue(w.maxDiff(1) <= 1e-5f, "prune kept the eval outputs: max |Δ| " + w.maxDiff(1));
        assertEquals(3, f.step().frozenStages());
        assertFalse(t.model().namedParameters().get("conv2.weight").trainable());
        for (int from = 1; from <= 2; from++) {
            Trainer resumed = builder(Zoo.create("gap-cnn", 1, 10, 77)).method(new PruneTest.Witness()).build();
            Checkpoint.restore(Checkpoint.fileFor(dir, from), resumed);
            resumed.fit();
            assertEquals(t.model().spec(), resumed.model().spec());
            for (Map.Entry<String, Parameter> e : t.model().namedParameters().entrySet())
                assertArrayEquals(e.getValue().value().toArray(), resumed.model().namedParameters().get(e.getKey()).value().toArray(),
                        "resumed after epoch " + from + ": " + e.getKey());
        }
    }
}
