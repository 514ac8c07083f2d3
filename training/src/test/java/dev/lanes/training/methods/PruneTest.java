package dev.lanes.training.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.surgery.SpecPaths;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.Changes;
import dev.lanes.training.Checkpoint;
import dev.lanes.training.CheckpointListener;
import dev.lanes.training.TestData;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.MnistDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prune method alone and with the methods it composes with (rescale, freezing, constrained), on gap-cnn and 96 MNIST images. */
class PruneTest {
    @TempDir Path tmp;

    /** Channels planted dead in gap-cnn's BNs: γ = 0, β = −1 gives ReLU(−1) = 0 on every input, and zero gradients keep it so. */
    static final Map<String, int[]> PLANTED = Map.of("bn1", new int[] {0}, "bn2", new int[] {3, 9, 20}, "bn3", new int[] {5, 40});

    @BeforeAll
    static void threads() {
        Parallel.setThreads(2);
    }

    private static Trainer.Builder builder(Module model, int epochs, String... methods) {
        Dataset train = TestData.mnistTrain().subset(0, 96), val = TestData.mnistTest().subset(0, 32);
        DataLoader tl = DataLoader.builder(train).batchSize(32).shuffle(true).seed(5).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        DataLoader vl = DataLoader.builder(val).batchSize(32).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        Trainer.Builder b = Trainer.builder(model, new Adam(model.namedParameters(), 2e-3f), tl).validation(vl).epochs(epochs).seed(5)
                .schedule(CosineLr.perIteration(2e-3f, 0f, epochs));
        for (String m : methods) b.method(m.equals("plant") ? new Planter() : Methods.create(m));
        return b;
    }

    static Sequential planted(long seed) {
        Sequential m = Zoo.create("gap-cnn", 1, 10, seed);
        plant(m);
        return m;
    }

    static void plant(Module m) { plant(m, PLANTED); }

    static void plant(Module m, Map<String, int[]> dead) {
        Map<String, Module> modules = m.namedModules();
        dead.forEach((bn, channels) -> {
            BatchNorm2d b = (BatchNorm2d) modules.get(bn);
            for (int c : channels) {
                b.weight().value().data()[b.weight().value().offset() + c] = 0f;
                b.bias().value().data()[b.bias().value().offset() + c] = -1f;
            }
        });
    }

    /**
     * Plants the dead channels into whatever model it sees at the start of a fresh run (rescale's low-resolution
     * twin, listed after it); a resumed run's checkpoint holds them already (and a pruned model other indices).
     */
    static final class Planter implements TrainingMethod {
        @Override public String name() { return "plant"; }
        @Override public Changes onRunStart(TrainingState s) {
            if (s.completedEpochs() == 0) plant(s.model());
            return Changes.NONE;
        }
    }

    /**
     * Listed last: sees each model replacement the moment it happens and keeps the first training batch, the new
     * model's eval outputs on it and its parameter values then; {@link #maxDiff} compares the old model's outputs
     * later (the trainer never touches a replaced model again).
     */
    static final class Witness implements TrainingMethod {
        final List<Module> before = new ArrayList<>(), after = new ArrayList<>();
        final List<Integer> atEpoch = new ArrayList<>();
        final List<int[]> imageShape = new ArrayList<>();
        final List<Tensor> batch = new ArrayList<>(), newOutputs = new ArrayList<>();
        final List<Map<String, float[]>> newValues = new ArrayList<>();
        @Override public String name() { return "witness"; }
        @Override public Changes onModelReplaced(TrainingState s, Module old) {
            before.add(old);
            after.add(s.model());
            atEpoch.add(s.completedEpochs());
            imageShape.add(s.trainLoader().imageShape());
            try (DataLoader.EpochIterator it = s.trainLoader().epoch(s.completedEpochs())) {
                Tensor x = it.next().images().copy();
                batch.add(x);
                newOutputs.add(evalForward(s.model(), x));
            }
            Map<String, float[]> values = new java.util.LinkedHashMap<>();
            s.model().namedParameters().forEach((k, v) -> values.put(k, v.value().toArray()));
            newValues.add(values);
            return Changes.NONE;
        }

        /** max |old model's eval outputs − new model's| on the batch of replacement {@code i}. */
        float maxDiff(int i) { return evalForward(before.get(i), batch.get(i)).maxAbsDiff(newOutputs.get(i)); }

        static Tensor evalForward(Module m, Tensor x) {
            boolean training = m.isTraining();
            m.eval();
            try {
                return m.forward(x).copy();
            } finally {
                m.setTraining(training);
            }
        }
    }

    private static Prune prune(Trainer t) {
        for (TrainingMethod m : t.methods()) if (m instanceof Prune p) return p;
        throw new AssertionError("no prune method");
    }

    private static int out(Module m, String conv) { return ((ConvSpec) SpecPaths.get(m.spec(), conv)).out(); }

    private static void assertParametersEqual(Module want, Module got) {
        assertEquals(want.spec(), got.spec());
        for (Map.Entry<String, Parameter> e : want.namedParameters().entrySet())
            assertArrayEquals(e.getValue().value().toArray(), got.namedParameters().get(e.getKey()).value().toArray(), e.getKey());
    }

    @Test
    void deadFiltersGoBeforeTheLastEpochAndTheEvalOutputsStay() {
        Witness w = new Witness();
        Trainer t = builder(planted(3), 3, "prune").method(w).build();
        t.fit();
        Prune p = prune(t);
        assertEquals(2, p.prunedAfter(), "default: before the last epoch, which fine-tunes");
        assertEquals(16 + 32 + 64, p.filtersBefore());
        assertEquals(16 + 32 + 64 - 6, p.filtersAfter(), "exactly the planted filters: " + p.filtersAfter());
        assertEquals(List.of(2), w.atEpoch);
        assertTrue(w.maxDiff(0) <= 1e-5f, "eval outputs on the training batch moved by " + w.maxDiff(0));
        assertEquals(15, out(t.model(), "conv1"));
        assertEquals(29, out(t.model(), "conv2"));
        assertEquals(62, out(t.model(), "conv3"));
        assertTrue(t.model() == w.after.get(0), "the trainer trains the pruned model");
        assertFalse(java.util.Arrays.equals(w.newValues.get(0).get("conv3.weight"), t.model().namedParameters().get("conv3.weight").value().toArray()),
                "the last epoch trained the pruned model");
        assertEquals(t.model().parameterCount(), t.optimizer().parameters().stream().mapToLong(Parameter::size).sum(),
                "the optimizer holds the pruned model's parameters");
    }

    @Test
    void adamsMomentsOfTheSurvivorsAreSlicedNotReset() {
        List<Map<String, Tensor>> seen = new ArrayList<>();
        TrainingMethod probe = new TrainingMethod() {
            @Override public String name() { return "probe"; }
            @Override public Changes onEpochEnd(TrainingState s, dev.lanes.training.EpochMetrics e) {
                if (e.epoch() == 1) seen.add(s.optimizer().state()); // listed before prune: the state it is about to slice
                return Changes.NONE;
            }
            @Override public Changes onModelReplaced(TrainingState s, Module old) {
                seen.add(s.optimizer().state());
                return Changes.NONE;
            }
        };
        builder(planted(4), 2).method(probe).method(Methods.create("prune")).build().fit();
        assertEquals(2, seen.size());
        Tensor old = seen.get(0).get("m.conv3.weight"), sliced = seen.get(1).get("m.conv3.weight");
        assertArrayEquals(new int[] {62, 29, 3, 3}, sliced.shape(), "conv3's first moments: 62 filters of 29 inputs");
        List<Integer> filters = new ArrayList<>(), inputs = new ArrayList<>();
        for (int f = 0; f < 64; f++) if (f != 5 && f != 40) filters.add(f);
        for (int c = 0; c < 32; c++) if (c != 3 && c != 9 && c != 20) inputs.add(c);
        float[] o = old.toArray(), n = sliced.toArray();
        int at = 0;
        for (int f : filters) for (int c : inputs) for (int k = 0; k < 9; k++) assertEquals(o[(f * 32 + c) * 9 + k], n[at++], "m of filter " + f + " input " + c);
        assertTrue(sliced.maxAbsDiff(Tensor.zeros(sliced.shape())) > 0, "moments carried over, not reset");
        assertArrayEquals(seen.get(0).get("t.conv3.weight").toArray(), seen.get(1).get("t.conv3.weight").toArray(), "update count kept");
        assertArrayEquals(seen.get(0).get("v.fc.bias").toArray(), seen.get(1).get("v.fc.bias").toArray(), "an uncut parameter keeps its state");
    }

    @Test
    void withNoDeadFilterThePruneIsANoOpBitForBit() {
        Trainer with = builder(Zoo.create("gap-cnn", 1, 10, 3), 2, "prune").build();
        Module start = with.model();
        with.fit();
        Prune p = prune(with);
        assertEquals(1, p.prunedAfter());
        assertEquals(p.filtersBefore(), p.filtersAfter(), "an unplanted gap-cnn has no dead filter after one epoch on 96 images");
        assertTrue(start == with.model(), "the model was not replaced");
        Trainer without = builder(Zoo.create("gap-cnn", 1, 10, 3), 2).build();
        without.fit();
        assertParametersEqual(without.model(), with.model());
    }

    @Test
    void aCheckpointAfterThePruneResumesBitExactly() throws Exception {
        Path dir = tmp.resolve("ckpt");
        Trainer whole = builder(planted(6), 3, "prune:at=2").listener(new CheckpointListener(dir, Map.of(), 3)).build();
        whole.fit();
        assertEquals(1, prune(whole).prunedAfter());
        for (int from : new int[] {1, 2}) {
            Trainer resumed = builder(Zoo.create("gap-cnn", 1, 10, 77), 3, "prune:at=2").build();
            Checkpoint.restore(Checkpoint.fileFor(dir, from), resumed);
            assertEquals(whole.model().spec(), resumed.model().spec(), "the checkpoint's pruned architecture");
            resumed.fit();
            assertEquals(1, prune(resumed).prunedAfter(), "not pruned again");
            assertParametersEqual(whole.model(), resumed.model());
        }
    }

    @Test
    void aFrozenPrefixIsLeftAloneAndStaysFrozen() throws Exception {
        // freezeout t0 = 0.3 over 3 epochs and 4 stages: conv1's stage freezes after epoch 1, conv2's after epoch 2
        Path dir = tmp.resolve("frozen");
        Witness w = new Witness();
        Trainer t = builder(planted(7), 3, "freezeout:t0=0.3", "prune").method(w).listener(new CheckpointListener(dir, Map.of(), 3)).build();
        t.fit();
        FreezeOut f = (FreezeOut) t.methods().get(0);
        assertEquals(2, prune(t).prunedAfter());
        assertEquals(16, out(t.model(), "conv1"), "conv1 is frozen: its dead filter stays");
        assertEquals(32, out(t.model(), "conv2"), "conv2 is frozen: its dead filters stay");
        assertEquals(62, out(t.model(), "conv3"), "conv3 trains: its dead filters go");
        assertTrue(w.maxDiff(0) <= 1e-5f, "max |Δ| " + w.maxDiff(0));
        assertTrue(f.step().stages().units().get(0) == t.model().namedModules().get("conv1"), "freezeout's step trains the pruned model");
        assertEquals(3, f.step().frozenStages(), "the prefix stayed frozen on the pruned model and grew after the last epoch");
        Module frozenAtPrune = w.before.get(0);
        for (String p : List.of("conv1.weight", "bn1.weight", "conv2.weight", "bn2.bias")) {
            assertFalse(t.model().namedParameters().get(p).trainable(), p);
            assertArrayEquals(frozenAtPrune.namedParameters().get(p).value().toArray(), t.model().namedParameters().get(p).value().toArray(), p + " unchanged");
        }
        Trainer resumed = builder(Zoo.create("gap-cnn", 1, 10, 77), 3, "freezeout:t0=0.3", "prune").method(new Witness()).build();
        Checkpoint.restore(Checkpoint.fileFor(dir, 2), resumed);
        resumed.fit();
        assertParametersEqual(t.model(), resumed.model());
    }

    /** After the prune, freeze's scores start over (and its warm-up with them) unless history=keep; either way it goes on checking. */
    @Test
    void freezeKeepsItsScoresAcrossThePruneOnlyWhenAsked() {
        int[] kept = new int[2];
        String[] history = {"restart", "keep"};
        for (int i = 0; i < 2; i++) {
            Trainer t = builder(planted(7), 4, "prune:at=2", "freeze:history=" + history[i]).build();
            t.fit();
            assertEquals(1, ((Prune) t.methods().get(0)).prunedAfter());
            kept[i] = ((Freeze) t.methods().get(1)).scores().size();
        }
        assertEquals(3, kept[0], "restart: the checks of epochs 2 to 4 only (pruned after epoch 1)");
        assertEquals(4, kept[1], "keep: every epoch's check");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Methods.create("freeze:history=never"));
        assertTrue(e.getMessage().contains("history"), e.getMessage());
    }

    @Test
    void freezePrefixLayersAreLeftAloneToo() {
        Trainer t = builder(planted(8), 2, "freeze-prefix:layers=5", "prune").build();
        t.fit();
        assertEquals(16, out(t.model(), "conv1"), "frozen conv1 keeps its filters");
        assertEquals(32, out(t.model(), "conv2"), "conv2's group reaches the frozen conv2 (layers 0-4 frozen)");
        assertEquals(62, out(t.model(), "conv3"));
        assertFalse(t.model().namedParameters().get("conv2.weight").trainable());
        assertTrue(t.model().namedParameters().get("bn2.weight").trainable());
    }

    @Test
    void afterRescaleThePruneWaitsForTheFullResolutionModel() {
        Witness w = new Witness();
        Sequential full = Zoo.create("gap-cnn", 1, 10, 3);
        Trainer t = builder(full, 3, "rescale:switch=2,rewarm=0", "plant", "prune:at=1").method(w).build();
        t.fit();
        Rescale r = (Rescale) t.methods().get(0);
        assertEquals(2, r.switchedAfter());
        assertEquals(2, prune(t).prunedAfter(), "at=1 asked for the start, but the model was low-resolution until the switch after epoch 2");
        assertEquals(2, w.atEpoch.size(), "two replacements: the switch, then the prune");
        assertEquals(full.spec(), w.before.get(1).spec(), "the prune saw the full-resolution model");
        assertArrayEquals(new int[] {1, 28, 28}, w.imageShape.get(1));
        assertEquals(5, ((ConvSpec) SpecPaths.get(t.model().spec(), "conv1")).kernelH(), "full-size kernels");
        assertEquals(16 + 32 + 64 - 6, prune(t).filtersAfter());
        assertTrue(w.maxDiff(1) <= 1e-5f, "max |Δ| " + w.maxDiff(1));
    }

    @Test
    void aResNetLosesInnerAndResidualChannelsWithItsOutputsKept() {
        Sequential m = Zoo.create("resnet8", 1, 10, 3);
        // inner channels of each block, and channel 6 of the stem's residual group (dead at the stem's ReLU and at layer1's join)
        plant(m, Map.of("layer1.0.main.bn1", new int[] {1, 4}, "layer2.0.main.bn1", new int[] {2}, "layer3.0.main.bn1", new int[] {7, 30},
                "bn1", new int[] {6}, "layer1.0.main.bn2", new int[] {6}));
        Witness w = new Witness();
        Trainer t = builder(m, 2, "prune").method(w).build();
        t.fit();
        assertEquals(15, out(t.model(), "conv1"), "the residual group loses channel 6 everywhere");
        assertEquals(15, out(t.model(), "layer1.0.main.conv2"));
        assertEquals(15, ((ConvSpec) SpecPaths.get(t.model().spec(), "layer2.0.shortcut.conv")).in());
        assertEquals(14, out(t.model(), "layer1.0.main.conv1"));
        assertEquals(31, out(t.model(), "layer2.0.main.conv1"));
        assertEquals(62, out(t.model(), "layer3.0.main.conv1"));
        assertTrue(w.maxDiff(0) <= 1e-5f, "max |Δ| " + w.maxDiff(0));
    }

    @Test
    void rescaleAfterPruneIsRefused() {
        Trainer t = builder(planted(3), 2, "prune", "rescale:switch=1").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::fit);
        assertTrue(e.getMessage().contains("rescale before prune"), e.getMessage());
    }

    /**
     * Also in blocks mode with momentum: its running mean is in the checkpoint (else the resumed moves differ),
     * and restarts with the pruned model.
     */
    @Test
    void aTernaryRunResumesBitExactlyBeforeAndAfterThePrune() throws Exception {
        for (String constrained : new String[] {"constrained", "constrained:momentum=0.9"}) {
            Path dir = tmp.resolve(constrained.replace(':', '-').replace('=', '-'));
            Trainer whole = builder(planted(9), 3, constrained, "prune:at=2").listener(new CheckpointListener(dir, Map.of(), 3)).build();
            whole.fit();
            assertEquals(1, prune(whole).prunedAfter());
            for (int from : new int[] {1, 2}) {
                Trainer resumed = builder(Zoo.create("gap-cnn", 1, 10, 77), 3, constrained, "prune:at=2").build();
                Checkpoint.restore(Checkpoint.fileFor(dir, from), resumed);
                resumed.fit();
                assertParametersEqual(whole.model(), resumed.model());
            }
        }
    }

    @Test
    void aTernaryModelIsPrunedAsCodesAndKeepsTraining() {
        Witness w = new Witness();
        Trainer t = builder(planted(9), 3, "constrained", "prune").method(w).build();
        t.fit();
        assertEquals(16 + 32 + 64 - 6, prune(t).filtersAfter());
        assertTrue(w.maxDiff(0) <= 1e-5f, "max |Δ| " + w.maxDiff(0));
        for (String p : List.of("conv1.weight", "conv2.weight", "conv3.weight", "fc.weight")) assertTrue(t.model().namedParameters().get(p).isPacked(), p);
        Constrained c = (Constrained) t.methods().get(0);
        assertTrue(c.weights().weight(0) == t.model().namedParameters().get("conv1.weight"), "the constrained codes are the pruned model's");
        // the scales α train every step: the last epoch moved the pruned model's decoded weights
        assertFalse(java.util.Arrays.equals(w.newValues.get(0).get("conv3.weight"), t.model().namedParameters().get("conv3.weight").value().toArray()),
                "the constrained step trains the pruned model");
    }

    @Test
    void ternaryFineTuningConvertsThePrunedModelAndResumesExactlyAcrossBothChanges() throws Exception {
        Path dir = tmp.resolve("fine-tune");
        Witness w = new Witness();
        Trainer whole = builder(planted(9), 3, "prune:at=2", "constrained:from=3").method(w).listener(new CheckpointListener(dir, Map.of(), 3)).build();
        whole.fit();
        assertEquals(1, prune(whole).prunedAfter());
        assertEquals(16 + 32 + 64 - 6, prune(whole).filtersAfter());
        // up to the prune the run is the float run's: the conversion came after it
        Witness floats = new Witness();
        builder(planted(9), 3, "prune:at=2").method(floats).build().fit();
        for (String p : List.of("conv1.weight", "conv3.weight", "fc.weight"))
            assertArrayEquals(floats.newValues.get(0).get(p), w.newValues.get(0).get(p), "the pruned model before the conversion: " + p);
        Constrained c = (Constrained) whole.methods().get(1);
        for (String p : List.of("conv1.weight", "conv2.weight", "conv3.weight", "fc.weight")) assertTrue(whole.model().namedParameters().get(p).isPacked(), p);
        assertTrue(c.weights().weight(0) == whole.model().namedParameters().get("conv1.weight"), "the codes are the pruned model's");
        for (int from : new int[] {1, 2}) {
            Trainer resumed = builder(Zoo.create("gap-cnn", 1, 10, 77), 3, "prune:at=2", "constrained:from=3").method(new Witness()).build();
            Checkpoint.restore(Checkpoint.fileFor(dir, from), resumed);
            resumed.fit();
            assertParametersEqual(whole.model(), resumed.model());
        }
        // from=3 quantises what two epochs trained, not the initialisation: another model than from=1
        Trainer early = builder(planted(9), 3, "prune:at=2", "constrained").build();
        early.fit();
        assertFalse(java.util.Arrays.equals(early.model().namedParameters().get("conv2.weight").value().toArray(),
                whole.model().namedParameters().get("conv2.weight").value().toArray()));
    }

    @Test
    void ternaryConversionWaitsForRescalesSwitchAndRefusesFreezingBesideIt() {
        Trainer t = builder(Zoo.create("gap-cnn", 1, 10, 4), 3, "rescale:switch=2", "constrained:from=2").build();
        t.fit();
        assertEquals(2, ((Rescale) t.methods().get(0)).switchedAfter());
        // converted after the switch: the switch rebuilds float weights, so a conversion before it would be lost
        assertTrue(t.model().namedParameters().get("conv2.weight").isPacked(), "the full-resolution model is ternary");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder(Zoo.create("gap-cnn", 1, 10, 4), 2, "freeze", "constrained").build().fit());
        assertTrue(e.getMessage().contains("both drive the training step"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder(Zoo.create("gap-cnn", 1, 10, 4), 2, "constrained:from=3").build().fit());
        assertTrue(e.getMessage().contains("from=3 is after the run's last epoch (2)"), e.getMessage());
    }
}
