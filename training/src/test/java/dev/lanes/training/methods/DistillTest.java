package dev.lanes.training.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.Checkpoint;
import dev.lanes.training.CheckpointListener;
import dev.lanes.training.TestData;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingListener;
import dev.lanes.training.TrainingResult;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.MnistDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distill method on a few MNIST images with a lenet5 teacher: α = 0 trains like the baseline, the cached and
 * per-batch teachers agree, a checkpoint resumes bit for bit, and mismatched teachers and options are refused.
 */
class DistillTest {
    @TempDir
    static Path tmp;
    private static Path teacher, teacher5;

    @BeforeAll
    static void teachers() throws Exception {
        Module t = Zoo.create("lenet5", 1, 10, 11);
        trainer(t, null, 1, 96, List.of()).fit();
        teacher = tmp.resolve("teacher.lanes");
        ModelFile.save(teacher, t);
        teacher5 = tmp.resolve("teacher5.lanes");
        ModelFile.save(teacher5, Zoo.create("lenet5", 1, 5, 11));
    }

    private static Trainer trainer(Module model, String method, int epochs, int images, List<TrainingListener> listeners) {
        Dataset train = TestData.mnistTrain().subset(0, images), val = TestData.mnistTest().subset(0, 64);
        DataLoader tl = DataLoader.builder(train).batchSize(32).shuffle(true).seed(5).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        DataLoader vl = DataLoader.builder(val).batchSize(32).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
        Trainer.Builder b = Trainer.builder(model, new Adam(model.namedParameters(), 2e-3f), tl).validation(vl).epochs(epochs).seed(5)
                .schedule(CosineLr.perIteration(2e-3f, 0f, epochs));
        if (method != null) b.method(Methods.create(method));
        listeners.forEach(b::listener);
        return b.build();
    }

    private static void assertParametersEqual(Module want, Module got) {
        Map<String, Parameter> w = want.namedParameters(), g = got.namedParameters();
        assertEquals(w.keySet(), g.keySet());
        for (String k : w.keySet()) assertArrayEquals(w.get(k).value().toArray(), g.get(k).value().toArray(), k);
        Map<String, Tensor> wb = want.namedBuffers(), gb = got.namedBuffers();
        for (String k : wb.keySet()) assertArrayEquals(wb.get(k).toArray(), gb.get(k).toArray(), k);
    }

    private static float maxDiff(Module a, Module b) {
        float d = 0;
        for (Map.Entry<String, Parameter> e : a.namedParameters().entrySet()) {
            float[] x = e.getValue().value().toArray(), y = b.namedParameters().get(e.getKey()).value().toArray();
            for (int i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }

    @Test
    void alphaZeroTrainsLikeTheBaseline() {
        Module a = Zoo.create("mlp-32", 1, 10, 3), b = Zoo.create("mlp-32", 1, 10, 3);
        TrainingResult base = trainer(a, null, 2, 96, List.of()).fit();
        TrainingResult kd = trainer(b, "distill:teacher=" + teacher + ",alpha=0", 2, 96, List.of()).fit();
        assertTrue(maxDiff(a, b) < 1e-4f, "alpha=0 moved the weights " + maxDiff(a, b) + " away from the baseline's");
        assertEquals(base.last().valAccuracy(), kd.last().valAccuracy());
    }

    @Test
    void theTeacherChangesTrainingAndCachedEqualsPerBatch() {
        Module base = Zoo.create("mlp-32", 1, 10, 3), cached = Zoo.create("mlp-32", 1, 10, 3), perBatch = Zoo.create("mlp-32", 1, 10, 3);
        trainer(base, null, 2, 96, List.of()).fit();
        Trainer c = trainer(cached, "distill:teacher=" + teacher, 2, 96, List.of());
        c.fit();
        Trainer p = trainer(perBatch, "distill:teacher=" + teacher + ",cache=off", 2, 96, List.of());
        p.fit();
        assertTrue(((Distill) c.methods().get(0)).cached());
        assertTrue(!((Distill) p.methods().get(0)).cached());
        assertTrue(maxDiff(base, cached) > 1e-3f, "the teacher made no difference");
        assertTrue(maxDiff(cached, perBatch) < 1e-4f, "cached and per-batch teachers trained apart by " + maxDiff(cached, perBatch));
    }

    @Test
    void aCheckpointResumesExactlyAndAChangedTeacherIsRefused() throws Exception {
        String method = "distill:teacher=" + teacher + ",t=3,alpha=0.8";
        Trainer straight = trainer(Zoo.create("mlp-32", 1, 10, 3), method, 3, 96, List.of());
        TrainingResult want = straight.fit();
        Path dir = tmp.resolve("ckpt");
        trainer(Zoo.create("mlp-32", 1, 10, 3), method, 3, 96, List.of(new CheckpointListener(dir, Map.of(), 3))).fit();
        for (int from : new int[] {1, 2}) {
            Trainer resumed = trainer(Zoo.create("mlp-32", 1, 10, 77), method, 3, 96, List.of());
            Checkpoint.restore(Checkpoint.fileFor(dir, from), resumed);
            TrainingResult got = resumed.fit();
            assertParametersEqual(straight.model(), resumed.model());
            assertEquals(want.last().valLoss(), got.last().valLoss(), "resumed after epoch " + from);
        }
        Path other = tmp.resolve("other-teacher.lanes");
        ModelFile.save(other, Zoo.create("lenet5", 1, 10, 12));
        Path moved = tmp.resolve("ckpt-moved");
        String otherMethod = "distill:teacher=" + other + ",t=3,alpha=0.8";
        trainer(Zoo.create("mlp-32", 1, 10, 3), otherMethod, 2, 64, List.of(new CheckpointListener(moved, Map.of(), 2))).fit();
        ModelFile.save(other, Zoo.create("lenet5", 1, 10, 13)); // the teacher file changes under the run
        Trainer resumed = trainer(Zoo.create("mlp-32", 1, 10, 3), otherMethod, 2, 64, List.of());
        Checkpoint.restore(Checkpoint.fileFor(moved, 1), resumed);
        assertTrue(assertThrows(IllegalArgumentException.class, resumed::fit).getMessage().contains("has changed"));
    }

    @Test
    void mismatchedTeachersAndBadOptionsAreRefused() throws Exception {
        String msg = assertThrows(IllegalArgumentException.class, () -> trainer(Zoo.create("mlp-32", 1, 10, 3), "distill:teacher=" + teacher5, 1, 32, List.of()).fit())
                .getMessage();
        assertTrue(msg.contains("5 classes") && msg.contains("10"), msg);
        Path wide = tmp.resolve("rgb-teacher.lanes");
        ModelFile.save(wide, Zoo.create("lenet5", 3, 10, 1));
        msg = assertThrows(IllegalArgumentException.class, () -> trainer(Zoo.create("mlp-32", 1, 10, 3), "distill:teacher=" + wide, 1, 32, List.of()).fit())
                .getMessage();
        assertTrue(msg.contains("does not take images of shape [1, 28, 28]"), msg);
        assertThrows(IllegalArgumentException.class, () -> trainer(Zoo.create("mlp-32", 1, 10, 3), "distill:teacher=" + tmp.resolve("none.lanes"), 1, 32, List.of()).fit());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("distill:t=4")).getMessage().contains("teacher=MODEL_FILE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("distill:teacher=x,alpha=2")).getMessage().contains("alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("distill:teacher=x,t=0")).getMessage().contains("t must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Methods.create("distill:teacher=x,cache=maybe")).getMessage().contains("auto or off"));
    }
}
