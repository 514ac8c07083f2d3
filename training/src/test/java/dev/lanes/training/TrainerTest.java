package dev.lanes.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.optim.Sgd;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.MnistDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir Path tmp;

    @BeforeAll
    static void threads() {
        Parallel.setThreads(2);
    }

    static DataLoader loader(Dataset ds, int batch, boolean shuffle, long seed) {
        return DataLoader.builder(ds).batchSize(batch).shuffle(shuffle).seed(seed).normalize(MnistDataset.MEAN, MnistDataset.STD).build();
    }

    static Trainer trainer(Module model, Dataset train, Dataset val, int epochs, long seed, List<TrainingListener> listeners) {
        Adam opt = new Adam(model.parameters(), 3e-3f);
        Trainer.Builder b = Trainer.builder(model, opt, loader(train, 32, true, seed)).validation(loader(val, 100, false, 0))
                .epochs(epochs).seed(seed).schedule(CosineLr.perIteration(3e-3f, 0f, epochs));
        listeners.forEach(b::listener);
        return b.build();
    }

    @Test
    void shortRunOnAnMnistSubsetLearns() {
        Dataset train = TestData.mnistTrain().subset(0, 4000), val = TestData.mnistTest().subset(0, 1000);
        Module model = Zoo.create("lenet5", 1, 10, 1);
        TrainingResult r = trainer(model, train, val, 2, 1, List.of()).fit();
        EpochMetrics last = r.last();
        assertEquals(2, r.history().size());
        // 4000 images, 2 epochs: measured 95-96% on the full test set over three seeds; chance is 10%
        assertTrue(last.valAccuracy() > 0.93, "validation accuracy " + last.valAccuracy());
        assertTrue(last.valLoss() < r.history().get(0).valLoss() || last.valLoss() < 0.3, "loss falls");
        assertEquals(4000, last.trainSamples());
        assertEquals(1000, last.validation().samples());
        long forward = model.flops(new int[] {1, 1, 28, 28});
        assertEquals(forward * 4000, last.forwardFlops());
        assertEquals(Cost.perImage(model, new int[] {1, 28, 28}, 0).training() * 4000, last.trainFlops());
        // the first conv needs no dx: less than the old "3 x forward", more than forward + one backward
        assertTrue(last.trainFlops() < 3 * forward * 4000 && last.trainFlops() > 2 * forward * 4000, "train FLOPs " + last.trainFlops());
        double[] perClass = last.validation().perClassAccuracy();
        for (int c = 0; c < 10; c++) assertTrue(perClass[c] > 0.8, "class " + c + ": " + perClass[c]);
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        Dataset train = TestData.mnistTrain().subset(0, 320), val = TestData.mnistTest().subset(0, 200);
        // uninterrupted: 3 epochs
        Module a = Zoo.create("lenet5", 1, 10, 9);
        TrainingResult full = trainer(a, train, val, 3, 9, List.of()).fit();

        // interrupted: the process "dies" right after the checkpoint of epoch 2
        Path dir = tmp.resolve("ckpt");
        Module b = Zoo.create("lenet5", 1, 10, 9);
        TrainingListener crash = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m, TrainingView t) {
                if (m.epoch() == 2) throw new IllegalStateException("simulated crash");
            }
        };
        Trainer first = trainer(b, train, val, 3, 9, List.of(new CheckpointListener(dir, Map.of("model", "lenet5"), 2), crash));
        assertThrows(IllegalStateException.class, first::fit);
        Path latest = Checkpoint.latest(dir);
        assertEquals(Checkpoint.fileFor(dir, 2), latest);
        assertTrue(Files.exists(Checkpoint.fileFor(dir, 1)));

        // a fresh process: differently initialised model, restored from the checkpoint
        Module c = Zoo.create("lenet5", 1, 10, 12345);
        Trainer resumed = trainer(c, train, val, 3, 9, List.of());
        Checkpoint.restore(latest, resumed);
        assertEquals(2, resumed.completedEpochs());
        TrainingResult rest = resumed.fit();

        assertEquals(3, rest.history().size());
        for (int e = 0; e < 3; e++) {
            EpochMetrics x = full.history().get(e), y = rest.history().get(e);
            assertEquals(x.trainLoss(), y.trainLoss(), "train loss, epoch " + (e + 1));
            assertEquals(x.valLoss(), y.valLoss(), "val loss, epoch " + (e + 1));
            assertEquals(x.valAccuracy(), y.valAccuracy(), "val accuracy, epoch " + (e + 1));
            assertArrayEquals(x.validation().confusion(), y.validation().confusion());
        }
        assertBitIdentical(a, c);
    }

    @Test
    void sameSeedSameBitsDifferentSeedDifferentBits() {
        Dataset train = TestData.mnistTrain().subset(0, 256), val = TestData.mnistTest().subset(0, 100);
        Module a = Zoo.create("small-cnn", 1, 10, 5), b = Zoo.create("small-cnn", 1, 10, 5), c = Zoo.create("small-cnn", 1, 10, 5);
        TrainingResult ra = trainer(a, train, val, 1, 5, List.of()).fit();
        TrainingResult rb = trainer(b, train, val, 1, 5, List.of()).fit();
        trainer(c, train, val, 1, 6, List.of()).fit(); // same init, another shuffle
        assertEquals(ra.last().trainLoss(), rb.last().trainLoss());
        assertEquals(ra.last().valLoss(), rb.last().valLoss());
        assertBitIdentical(a, b);
        assertTrue(!a.parameters().get(0).value().hasShape(c.parameters().get(0).value().shape())
                || a.parameters().get(0).value().maxAbsDiff(c.parameters().get(0).value()) > 0, "another seed trains differently");
    }

    @Test
    void earlyStoppingAfterPatienceEpochsWithoutImprovement() {
        Dataset train = TestData.mnistTrain().subset(0, 64), val = TestData.mnistTest().subset(0, 64);
        Module m = Zoo.create("lenet5", 1, 10, 3);
        // lr 0: nothing changes, so the validation accuracy never improves after epoch 1
        List<Integer> seen = new ArrayList<>();
        Trainer t = Trainer.builder(m, new Sgd(m.parameters(), 0f), loader(train, 32, true, 1)).validation(loader(val, 32, false, 0))
                .epochs(20).earlyStopping(Trainer.Monitor.VAL_ACCURACY, 2, 0)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochMetrics metrics, TrainingView run) { seen.add(metrics.epoch()); }
                }).build();
        TrainingResult r = t.fit();
        assertTrue(r.stoppedEarly());
        assertEquals(List.of(1, 2, 3), seen);
        assertEquals(1, r.bestEpoch());
    }

    @Test
    void historySurvivesTheCheckpointCodecExactly() {
        EpochMetrics m = new EpochMetrics(4, 0.1 / 3, 2.0 / 3, new Evaluation(Math.PI / 7, 0.987654321, new int[][] {{5, 1}, {0, 7}}),
                1.234e-4, 12.5, 0.75, 60000, 41152263004L, 123456789012L);
        EpochMetrics back = Checkpoint.decode(Path.of("x"), Checkpoint.encode(m));
        assertEquals(m.trainLoss(), back.trainLoss());
        assertEquals(m.valLoss(), back.valLoss());
        assertEquals(m.trainFlops(), back.trainFlops());
        assertEquals(m.forwardFlops(), back.forwardFlops());
        assertArrayEquals(m.validation().confusion(), back.validation().confusion());
        EpochMetrics noVal = new EpochMetrics(1, 1, 0.5, null, 1e-3, 1, 0, 10, 7, 20);
        assertEquals(noVal, Checkpoint.decode(Path.of("x"), Checkpoint.encode(noVal)));
        // an entry written before forward FLOPs were recorded: they were a third of the "3 x forward" total
        assertEquals(new EpochMetrics(1, 1, 0.5, null, 1e-3, 1, 0, 10, 10, 30), Checkpoint.decode(Path.of("x"), "1;1.0;0.5;0.001;1.0;0.0;10;30"));
    }

    static void assertBitIdentical(Module x, Module y) {
        List<Parameter> px = x.parameters(), py = y.parameters();
        assertEquals(px.size(), py.size());
        for (int i = 0; i < px.size(); i++) {
            assertArrayEquals(bits(px.get(i).value().toArray()), bits(py.get(i).value().toArray()), "parameter " + px.get(i).name());
        }
        var bx = x.namedBuffers();
        var by = y.namedBuffers();
        for (String k : bx.keySet()) assertArrayEquals(bits(bx.get(k).toArray()), bits(by.get(k).toArray()), "buffer " + k);
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
