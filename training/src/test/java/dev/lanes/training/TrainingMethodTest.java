package dev.lanes.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingMethodTest {
    @TempDir Path tmp;

    @BeforeAll
    static void threads() {
        Parallel.setThreads(2);
    }

    /** Counts the batches it trains and delegates to a gradient step. */
    static final class CountingStep implements Step {
        final GradientStep inner = new GradientStep();
        int batches;
        @Override public String name() { return "counting"; }
        @Override public float train(TrainingState s, DataLoader.Batch b) { batches++; return inner.train(s, b); }
        @Override public int correct() { return inner.correct(); }
    }

    /** Records its hooks into a shared log; at the end of epoch {@code swapAt} returns {@code change}. */
    static final class Recorder implements TrainingMethod {
        final String name;
        final List<String> log;
        final int swapAt;
        final Changes change;
        int epochsSeen;

        Recorder(String name, List<String> log, int swapAt, Changes change) {
            this.name = name;
            this.log = log;
            this.swapAt = swapAt;
            this.change = change;
        }

        @Override public String name() { return name; }
        @Override public Changes onRunStart(TrainingState s) { log.add(name + ":start@" + s.completedEpochs()); return Changes.NONE; }
        @Override public void onEpochStart(TrainingState s, int epoch) { log.add(name + ":epoch" + epoch + ":" + s.step().name()); }
        @Override public Changes onEpochEnd(TrainingState s, EpochMetrics m) {
            epochsSeen++;
            log.add(name + ":end" + m.epoch() + ":" + s.step().name());
            return m.epoch() == swapAt ? change : Changes.NONE;
        }
        @Override public Map<String, String> state() { return Map.of("epochs_seen", Integer.toString(epochsSeen)); }
        @Override public void loadState(Map<String, String> st) { epochsSeen = Integer.parseInt(st.get("epochs_seen")); log.add(name + ":load" + epochsSeen); }
    }

    private static Trainer.Builder builder(Module model, int epochs) {
        Dataset train = TestData.mnistTrain().subset(0, 96), val = TestData.mnistTest().subset(0, 32);
        return Trainer.builder(model, new dev.lanes.nn.optim.Adam(model.parameters(), 1e-3f), TrainerTest.loader(train, 32, true, 4))
                .validation(TrainerTest.loader(val, 32, false, 0)).epochs(epochs).seed(4);
    }

    @Test
    void methodsActInListOrderAndEachSeesThePreviousOnesChanges() {
        List<String> log = new ArrayList<>();
        CountingStep counting = new CountingStep();
        List<String> seenByListener = new ArrayList<>();
        Trainer t = builder(Zoo.create("lenet5", 1, 10, 1), 3)
                .method(new Recorder("a", log, 1, Changes.step(counting)))
                .method(new Recorder("b", log, -1, Changes.NONE))
                .listener(new TrainingListener() {
                    @Override public void onEpochEnd(EpochMetrics m, TrainingView run) { seenByListener.add(run.step().name() + "@" + run.globalStep()); }
                }).build();
        t.fit();
        assertEquals(List.of("a:start@0", "b:start@0",
                "a:epoch1:gradient", "b:epoch1:gradient", "a:end1:gradient", "b:end1:counting",
                "a:epoch2:counting", "b:epoch2:counting", "a:end2:counting", "b:end2:counting",
                "a:epoch3:counting", "b:epoch3:counting", "a:end3:counting", "b:end3:counting"), log);
        assertEquals(6, counting.batches, "the swapped-in step trains epochs 2 and 3 (3 batches each)");
        assertEquals(List.of("counting@3", "counting@6", "counting@9"), seenByListener, "listeners see the changes and the global step");
    }

    @Test
    void aNewModelReplacesTheOldOneAndTheOptimizerFollowsIt() {
        Module first = Zoo.create("lenet5", 1, 10, 1), second = Zoo.create("lenet5", 1, 10, 2);
        Trainer t = builder(first, 2).method(new Recorder("swap", new ArrayList<>(), 1, Changes.model(second))).build();
        t.fit();
        assertSame(second, t.model());
        assertSame(second.parameters().get(0), t.optimizer().parameters().get(0), "optimizer re-bound to the new model's parameters");
    }

    /** At the end of epoch {@code at}, prunes half the channels of the first conv: a model of another architecture. */
    static final class HalvingPruner implements TrainingMethod {
        final int at;
        HalvingPruner(int at) { this.at = at; }
        @Override public String name() { return "halving-pruner"; }
        @Override public Changes onEpochEnd(TrainingState s, EpochMetrics m) {
            if (m.epoch() != at) return Changes.NONE;
            int[] in = {1, 1, 28, 28};
            dev.lanes.nn.arch.ChannelFlow.Group g = dev.lanes.nn.arch.ChannelFlow.of(s.model().spec(), in)
                    .groupOf(s.model().namedParameters().keySet().iterator().next(), 0).orElseThrow();
            int[] keep = new int[g.channels() / 2];
            for (int i = 0; i < keep.length; i++) keep[i] = 2 * i;
            return Changes.model(dev.lanes.nn.surgery.ChannelPruning.prune(s.model(), in, Map.of(g.index(), keep)));
        }
    }

    @Test
    void aResumeAfterAMethodChangedTheArchitectureAdoptsItAndContinuesExactly() throws Exception {
        Path dir = tmp.resolve("pruned");
        Trainer whole = builder(Zoo.create("lenet5", 1, 10, 1), 3).method(new HalvingPruner(1))
                .listener(new CheckpointListener(dir, Map.of(), 3)).build();
        whole.fit();
        Trainer resumed = builder(Zoo.create("lenet5", 1, 10, 1), 3).method(new HalvingPruner(1)).build();
        Checkpoint.restore(Checkpoint.fileFor(dir, 1), resumed);
        assertEquals(whole.model().spec(), resumed.model().spec(), "the checkpoint's pruned architecture, not the zoo's");
        resumed.fit();
        for (Map.Entry<String, dev.lanes.nn.Parameter> e : whole.model().namedParameters().entrySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue().value().toArray(),
                    resumed.model().namedParameters().get(e.getKey()).value().toArray(), e.getKey());
        }
    }

    @Test
    void checkpointsCarryEachMethodsStateAndTheGlobalStep() throws Exception {
        Path dir = tmp.resolve("ckpt");
        List<String> log = new ArrayList<>();
        builder(Zoo.create("lenet5", 1, 10, 1), 2).method(new Recorder("a", log, -1, Changes.NONE))
                .listener(new CheckpointListener(dir, Map.of(), 2)).build().fit();

        List<String> log2 = new ArrayList<>();
        Trainer resumed = builder(Zoo.create("lenet5", 1, 10, 1), 3).method(new Recorder("a", log2, -1, Changes.NONE)).build();
        Checkpoint.restore(Checkpoint.fileFor(dir, 2), resumed);
        assertEquals(6, resumed.view().globalStep());
        assertEquals(List.of("a:load2"), log2);
        resumed.fit();
        assertEquals("a:start@2", log2.get(1));

        Trainer other = builder(Zoo.create("lenet5", 1, 10, 1), 3).method(new Recorder("b", new ArrayList<>(), -1, Changes.NONE)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.restore(Checkpoint.fileFor(dir, 2), other));
        assertTrue(e.getMessage().contains("methods [a]"), e.getMessage());
    }
}
