package dev.lanes.training.cli;

import static dev.lanes.training.cli.LanesCliTest.lanes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.training.TestData;
import dev.lanes.training.cli.LanesCliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What train, resume and eval do with run folders and data folders that are not what they expect. */
class RunFolderCliTest {
    @TempDir Path tmp;

    private static String[] train(Path out, String data, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data, "--limit", "300", "--epochs", "1", "--batch", "50",
                "--threads", "2", "--out", out.toString()));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    private static Path copyOfMnist(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (var files = Files.list(TestData.mnistDir())) {
            for (Path p : (Iterable<Path>) files::iterator) Files.copy(p, dir.resolve(p.getFileName()));
        }
        return dir;
    }

    @Test
    void aNewRunInAnOldFolderIsRefusedUnlessItResumesOrOverwrites() {
        String data = TestData.mnistDir().toString();
        Path out = tmp.resolve("run");
        assertEquals(0, lanes(train(out, data)).status());
        Run again = lanes(train(out, data));
        assertEquals(2, again.status());
        assertTrue(again.err().contains("--resume") && again.err().contains("fresh --out") && again.err().contains("--overwrite"), again.err());
        assertTrue(Files.exists(out.resolve("checkpoints/epoch-0001.lanes")), "the old run is left alone");
        Run fresh = lanes(train(out, data, "--overwrite", "--seed", "3"));
        assertEquals(0, fresh.status(), fresh.err());
        assertEquals(2, lanes(train(out, data, "--overwrite", "--resume")).status());
    }

    @Test
    void resumingOnOtherDataIsRefused() throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, lanes(train(out, TestData.mnistDir().toString(), "--epochs", "2")).status());
        Path copy = copyOfMnist(tmp.resolve("copy"));
        Run r = lanes(train(out, copy.toString(), "--epochs", "2", "--resume"));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("data_dir=") && r.err().contains("pass the same options"), r.err());
    }

    @Test
    void evalRefusesToGuessWhenTheTrainingDataHasMoved() throws Exception {
        Path data = copyOfMnist(tmp.resolve("data"));
        Path out = tmp.resolve("run");
        assertEquals(0, lanes(train(out, data.toString())).status());
        Files.move(data, tmp.resolve("moved"));
        Run e = lanes("eval", out.resolve("model.lanes").toString());
        assertEquals(2, e.status());
        assertTrue(e.err().contains(data.toString()) && e.err().contains("--data"), e.err());
        assertEquals(0, lanes("eval", out.resolve("model.lanes").toString(), "--data", tmp.resolve("moved").toString()).status());
    }

    @Test
    void anOutThatIsAFileOrLockedFailsBeforeTraining() throws Exception {
        String data = TestData.mnistDir().toString();
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        Run r = lanes(train(file, data));
        assertEquals(1, r.status());
        assertTrue(r.err().contains(file.toString()) && r.err().contains("is a file"), r.err());
        Path out = tmp.resolve("busy");
        Files.createDirectories(out);
        try (RunFolder.Lock held = RunFolder.lock(out)) {
            Run busy = lanes(train(out, data));
            assertEquals(1, busy.status());
            assertTrue(busy.err().contains("in use by another lanes train"), busy.err());
        }
        assertFalse(Files.exists(out.resolve("model.lanes")));
        assertEquals(0, lanes(train(out, data)).status(), "free again once released");
    }

    /** An MNIST-style folder of raw IDX files: {@code train} images of trainSide², {@code test} of testSide². */
    private static Path idxFolder(Path dir, int train, int trainSide, int test, int testSide) throws Exception {
        Files.createDirectories(dir);
        for (String split : List.of("train", "t10k")) {
            int n = split.equals("train") ? train : test, side = split.equals("train") ? trainSide : testSide;
            java.nio.ByteBuffer im = java.nio.ByteBuffer.allocate(16 + n * side * side);
            im.putInt(0x803).putInt(n).putInt(side).putInt(side);
            for (int i = 0; i < n * side * side; i++) im.put((byte) (i * 7));
            java.nio.ByteBuffer lb = java.nio.ByteBuffer.allocate(8 + n);
            lb.putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) lb.put((byte) (i % 10));
            Files.write(dir.resolve(split + "-images-idx3-ubyte"), im.array());
            Files.write(dir.resolve(split + "-labels-idx1-ubyte"), lb.array());
        }
        return dir;
    }

    @Test
    void splitsOfDifferentShapesOrAnEmptyTestSplitAreRefusedBeforeTraining() throws Exception {
        Path mixed = idxFolder(tmp.resolve("mixed"), 40, 28, 20, 32);
        Run r = lanes(train(tmp.resolve("o1"), mixed.toString()));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("training images are [1, 28, 28] but test images are [1, 32, 32]") && r.err().contains(mixed.toString()), r.err());
        Path empty = idxFolder(tmp.resolve("empty"), 40, 28, 0, 28);
        Run e = lanes(train(tmp.resolve("o2"), empty.toString()));
        assertEquals(1, e.status());
        assertTrue(e.err().contains("the test split holds no images"), e.err());
        assertFalse(Files.exists(tmp.resolve("o2/metrics.csv")), "nothing trained");
    }

    @Test
    void anOverwritingRunThatFailsLeavesNoOldModelBesideItsMetrics() {
        // issue 13 #14: a fresh run removes the earlier model.lanes before it trains, so a run that fails before
        // saving cannot leave the old model next to the new run's metrics
        String data = TestData.mnistDir().toString();
        Path out = tmp.resolve("run");
        assertEquals(0, lanes(train(out, data)).status());
        assertTrue(Files.exists(out.resolve("model.lanes")));
        Run failed = lanes(train(out, data, "--overwrite", "--lr", "1e6"));
        assertEquals(1, failed.status(), failed.err());
        assertFalse(Files.exists(out.resolve("model.lanes")), "the earlier run's model is gone with its checkpoints");
        assertFalse(Files.exists(out.resolve("checkpoints/epoch-0001.lanes")));
    }

    @Test
    void adamAtAnAbsurdRateStopsAsDivergedInsteadOfWritingAModel() {
        Path out = tmp.resolve("run");
        Run r = lanes(train(out, TestData.mnistDir().toString(), "--lr", "1e6"));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("training diverged") && r.err().contains("smaller --lr"), r.err());
        assertFalse(Files.exists(out.resolve("model.lanes")));
    }

    @Test
    void aCorruptNewestCheckpointFallsBackToTheOneBefore() throws Exception {
        String data = TestData.mnistDir().toString();
        Path out = tmp.resolve("run");
        Run whole = lanes(train(out, data, "--epochs", "3", "--json"));
        assertEquals(0, whole.status(), whole.err());
        Path newest = out.resolve("checkpoints/epoch-0003.lanes");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(newest, bytes);
        Run resumed = lanes(train(out, data, "--epochs", "3", "--json", "--resume"));
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("skipping the unreadable checkpoint " + newest), resumed.err());
        assertEquals(LanesCliTest.number(whole.out(), "test_accuracy"), LanesCliTest.number(resumed.out(), "test_accuracy"), 0.0,
                "epoch 3 retrained from epoch 2 gives the same model");
    }

    @Test
    void aModelFileWithNonFiniteWeightsIsRefusedNamingTheFile() throws Exception {
        Path out = tmp.resolve("run");
        String data = TestData.mnistDir().toString();
        assertEquals(0, lanes(train(out, data)).status());
        Path model = out.resolve("model.lanes");
        var saved = dev.lanes.nn.io.ModelFile.read(model);
        dev.lanes.nn.Module m = saved.build();
        m.namedParameters().values().iterator().next().value().data()[0] = Float.NaN;
        Path bad = tmp.resolve("nan.lanes");
        dev.lanes.nn.io.ModelFile.save(bad, m, java.util.Map.of(), saved.metadata());
        Run e = lanes("eval", bad.toString(), "--data", data);
        assertEquals(1, e.status());
        assertTrue(e.err().contains(bad.toString()) && e.err().contains("NaN"), e.err());
    }
}
