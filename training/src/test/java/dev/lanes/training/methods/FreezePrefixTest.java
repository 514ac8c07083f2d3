package dev.lanes.training.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Flops;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreezePrefixTest {
    @TempDir Path tmp;

    @BeforeAll
    static void threads() {
        Parallel.setThreads(2);
    }

    private static Trainer trainer(Sequential model, String method, List<TrainingListener> listeners) {
        Dataset train = TestData.mnistTrain().subset(0, 192), val = TestData.mnistTest().subset(0, 64);
        DataLoader tl = DataLoader.builder(train).batchSize(32).shuffle(true).seed(5).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        DataLoader vl = DataLoader.builder(val).batchSize(32).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        Trainer.Builder b = Trainer.builder(model, new Adam(model.parameters(), 2e-3f), tl).validation(vl).epochs(3).seed(5)
                .schedule(CosineLr.perIteration(2e-3f, 0f, 3)).method(Methods.create(method));
        listeners.forEach(b::listener);
        return b.build();
    }

    private static float[][] values(List<Parameter> ps) {
        float[][] v = new float[ps.size()][];
        for (int i = 0; i < v.length; i++) v[i] = ps.get(i).value().toArray();
        return v;
    }

    @Test
    void fromEpochEThePrefixStopsTrainingAndCostsOnlyItsForward() {
        Sequential model = Zoo.create("lenet5", 1, 10, 3);
        int k = 4; // conv1, bn1, relu1, pool1
        List<Parameter> prefix = new ArrayList<>(), rest = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) (i < k ? prefix : rest).addAll(model.get(i).parameters());
        List<float[][]> prefixAfter = new ArrayList<>(), restAfter = new ArrayList<>();
        TrainingResult r = trainer(model, "freeze-prefix:layers=" + k + ",at=2", List.of(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m, TrainingView run) {
                prefixAfter.add(values(prefix));
                restAfter.add(values(rest));
            }
        })).fit();
        for (int e = 1; e < 3; e++) {
            for (int p = 0; p < prefix.size(); p++) assertArrayEquals(prefixAfter.get(0)[p], prefixAfter.get(e)[p], "frozen from epoch 2 on");
        }
        assertTrue(restAfter.get(2)[0][0] != restAfter.get(1)[0][0] || !java.util.Arrays.equals(restAfter.get(2)[0], restAfter.get(1)[0]),
                "the suffix keeps training");
        List<EpochMetrics> h = r.history();
        assertEquals(h.get(0).forwardFlops(), h.get(1).forwardFlops(), "the frozen prefix still runs forward");
        Flops frozen = Cost.perImage(model, new int[] {1, 28, 28}, 0);
        assertEquals(frozen.training() * 192, h.get(1).trainFlops());
        long prefixForward = 0;
        int[] s = {1, 1, 28, 28};
        for (int i = 0; i < k; i++) {
            prefixForward += model.get(i).flops(s);
            s = model.get(i).outputShape(s);
        }
        Flops suffix = Cost.perImage(model, new int[] {1, 28, 28}, k); // as if a step cached the prefix
        assertEquals(prefixForward + suffix.training(), frozen.training(), "frozen layers cost their forward and nothing else");
        assertEquals(frozen.forward() - prefixForward, suffix.forward(), "a cached prefix costs nothing");
        assertTrue(h.get(1).trainFlops() < h.get(0).trainFlops(), "less backward work once frozen");
    }

    @Test
    void resumingAfterTheFreezeContinuesExactly() throws Exception {
        Sequential a = Zoo.create("lenet5", 1, 10, 3);
        trainer(a, "freeze-prefix:layers=4,at=2", List.of()).fit();
        Path dir = tmp.resolve("ckpt");
        trainer(Zoo.create("lenet5", 1, 10, 3), "freeze-prefix:layers=4,at=2", List.of(new CheckpointListener(dir, Map.of(), 3))).fit();
        Sequential c = Zoo.create("lenet5", 1, 10, 99);
        Trainer resumed = trainer(c, "freeze-prefix:layers=4,at=2", List.of());
        Checkpoint.restore(Checkpoint.fileFor(dir, 2), resumed);
        assertTrue(((FreezePrefix) resumed.methods().get(0)).frozen(), "state restored");
        resumed.fit();
        float[][] va = values(a.parameters()), vc = values(c.parameters());
        for (int i = 0; i < va.length; i++) assertArrayEquals(va[i], vc[i], "parameter " + i);
    }

    @Test
    void badSpecsAreRefusedWithTheirReason() {
        assertEquals("unknown method 'nope'; known: " + String.join(", ", Methods.names()),
                assertThrows(IllegalArgumentException.class, () -> Methods.create("nope")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("freeze-prefix")).getMessage().contains("layers=N"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("freeze-prefix:layers=2,depth=3")).getMessage()
                .contains("no option 'depth'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("freeze-prefix:layers")).getMessage().contains("key=value"));
        assertEquals("freeze-prefix:at=2,layers=3", MethodSpec.parse("freeze-prefix:layers=3,at=2").toString());
        Sequential m = Zoo.create("lenet5", 1, 10, 1);
        assertThrows(IllegalArgumentException.class, () -> trainer(m, "freeze-prefix:layers=" + m.size(), List.of()).fit());
    }
}
