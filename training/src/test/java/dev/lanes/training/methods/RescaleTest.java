package dev.lanes.training.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.TestData;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingListener;
import dev.lanes.training.TrainingResult;
import dev.lanes.training.TrainingView;
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

class RescaleTest {
    @TempDir Path tmp;

    @BeforeAll
    static void threads() {
        Parallel.setThreads(2);
    }

    private static Trainer trainer(Module model, String method, int epochs, int images, List<TrainingListener> listeners) {
        Dataset train = TestData.mnistTrain().subset(0, images), val = TestData.mnistTest().subset(0, 64);
        DataLoader tl = DataLoader.builder(train).batchSize(32).shuffle(true).seed(5).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        DataLoader vl = DataLoader.builder(val).batchSize(32).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        Trainer.Builder b = Trainer.builder(model, new Adam(model.namedParameters(), 2e-3f), tl).validation(vl).epochs(epochs).seed(5)
                .schedule(CosineLr.perIteration(2e-3f, 0f, epochs)).method(Methods.create(method));
        listeners.forEach(b::listener);
        return b.build();
    }

    /** Per epoch: the delivered image shape and the model's spec, seen by a listener after the methods acted. */
    private record Seen(List<int[]> shapes, List<Object> specs) {}

    private static TrainingListener recorder(Seen seen) {
        return new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m, TrainingView run) {
                seen.shapes.add(run.trainLoader().imageShape());
                seen.specs.add(run.model().spec());
            }
        };
    }

    @Test
    void afterTheSwitchTheModelIsTheFullArchitectureOnFullResolutionImages() {
        for (String name : List.of("lenet5", "gap-cnn", "resnet8", "resnet20")) {
            Sequential full = Zoo.create(name, 1, 10, 3);
            Seen seen = new Seen(new ArrayList<>(), new ArrayList<>());
            Trainer t = trainer(full, "rescale:switch=1", 2, name.equals("resnet20") ? 64 : 96, List.of(recorder(seen)));
            t.fit();
            Rescale r = (Rescale) t.methods().get(0);
            assertEquals(1, r.switchedAfter(), name);
            assertFalse(r.lowResolution(), name);
            assertEquals(full.spec(), t.model().spec(), name + ": the full architecture after the switch");
            assertArrayEquals(new int[] {1, 28, 28}, seen.shapes.get(1), name + ": full-resolution images after the switch");
            assertArrayEquals(new int[] {1, 28, 28}, seen.shapes.get(0), name + ": the switch happened before the listener saw epoch 1");
            Tensor y = t.model().forward(Tensor.zeros(4, 1, 28, 28));
            assertArrayEquals(new int[] {4, 10}, y.shape(), name);
        }
    }

    @Test
    void theLowPhaseTrainsTheTwinOnHalfSizeImages() {
        Sequential full = Zoo.create("resnet8", 1, 10, 3);
        Seen seen = new Seen(new ArrayList<>(), new ArrayList<>());
        Trainer t = trainer(full, "rescale:switch=2", 3, 64, List.of(recorder(seen)));
        t.fit();
        assertArrayEquals(new int[] {1, 14, 14}, seen.shapes.get(0));
        assertNotEquals(full.spec(), seen.specs.get(0), "the low-resolution twin during epoch 1");
        assertArrayEquals(new int[] {1, 28, 28}, seen.shapes.get(1), "switched after epoch 2, before listeners");
        assertEquals(full.spec(), seen.specs.get(2));
        // 3×3 kernels became 2×2 on 14×14 maps: the rescalable convs cost (4/9)·(1/4) of their full FLOPs
        List<EpochMetrics> h = t.history();
        double ratio = (double) h.get(0).forwardFlops() / h.get(2).forwardFlops();
        assertTrue(ratio > 0.08 && ratio < 0.2, "low/full forward FLOPs " + ratio);
    }

    @Test
    void anAutomaticRunEndsAtFullResolutionEvenWhenTheRuleWouldWaitLonger() {
        Sequential full = Zoo.create("lenet5", 1, 10, 3);
        Trainer t = trainer(full, "rescale:switch=auto,ratio=0.2,min=3", 2, 64, List.of());
        t.fit();
        assertEquals(2, ((Rescale) t.methods().get(0)).switchedAfter());
        assertEquals(full.spec(), t.model().spec());
    }

    @Test
    void switchZeroIsTheBaselineBitForBit() {
        Sequential a = Zoo.create("lenet5", 1, 10, 3), b = Zoo.create("lenet5", 1, 10, 3);
        Trainer ta = trainer(a, "rescale:switch=0", 2, 64, List.of());
        ta.fit();
        Dataset train = TestData.mnistTrain().subset(0, 64);
        DataLoader tl = DataLoader.builder(train).batchSize(32).shuffle(true).seed(5).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        Trainer.builder(b, new Adam(b.namedParameters(), 2e-3f), tl).epochs(2).seed(5).schedule(CosineLr.perIteration(2e-3f, 0f, 2)).build().fit();
        assertSame(a, ta.model());
        assertParametersEqual(b, ta.model());
    }

    private static void assertSame(Object a, Object b) { assertTrue(a == b, "the method left the model alone"); }

    private static void assertParametersEqual(Module want, Module got) {
        Map<String, Parameter> w = want.namedParameters(), g = got.namedParameters();
        assertEquals(w.keySet(), g.keySet());
        for (String k : w.keySet()) assertArrayEquals(w.get(k).value().toArray(), g.get(k).value().toArray(), k);
        Map<String, Tensor> wb = want.namedBuffers(), gb = got.namedBuffers();
        for (String k : wb.keySet()) assertArrayEquals(wb.get(k).toArray(), gb.get(k).toArray(), k);
    }

    @Test
    void aCheckpointInEitherPhaseResumesExactly() throws Exception {
        for (String method : List.of("rescale:switch=2", "rescale:switch=auto,ratio=0.3,min=1,max=0.67", "rescale:switch=2,optimizer=transport", "rescale:switch=1,interp=bicubic,rewarm=1")) {
            Trainer straight = trainer(Zoo.create("gap-cnn", 1, 10, 3), method, 3, 96, List.of());
            TrainingResult want = straight.fit();
            Path dir = tmp.resolve("ckpt-" + Integer.toHexString(method.hashCode()));
            trainer(Zoo.create("gap-cnn", 1, 10, 3), method, 3, 96, List.of(new CheckpointListener(dir, Map.of(), 3))).fit();
            for (int from : new int[] {1, 2}) {
                Trainer resumed = trainer(Zoo.create("gap-cnn", 1, 10, 77), method, 3, 96, List.of());
                Checkpoint.restore(Checkpoint.fileFor(dir, from), resumed);
                TrainingResult got = resumed.fit();
                assertParametersEqual(straight.model(), resumed.model());
                assertEquals(want.last().valLoss(), got.last().valLoss(), method + " resumed after epoch " + from);
                assertEquals(((Rescale) straight.methods().get(0)).switchedAfter(), ((Rescale) resumed.methods().get(0)).switchedAfter());
            }
        }
    }

    @Test
    void badOptionsAreRefusedWithTheirReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("rescale:scale=1")).getMessage().contains("scale"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("rescale:switch=soon")).getMessage().contains("integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("rescale:interp=nearest")).getMessage().contains("bilinear or bicubic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("rescale:optimizer=zero")).getMessage().contains("reset, keep or transport"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("rescale:max=2")).getMessage().contains("max fraction"));
        Trainer late = trainer(Zoo.create("lenet5", 1, 10, 1), "rescale:switch=5", 2, 32, List.of());
        assertTrue(assertThrows(IllegalArgumentException.class, late::fit).getMessage().contains("after the run's last epoch"));
    }
}
