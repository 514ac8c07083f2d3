package dev.lanes.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.training.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LanesCliTest {
    @TempDir Path tmp;

    record Run(int status, String out, String err) {}

    static Run lanes(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Lanes.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void methodsRunInsideANormalTrainingRunAndAreCheckedOnResume() throws Exception {
        String data = TestData.mnistDir().toString();
        Path out = tmp.resolve("freeze");
        Run t = lanes("train", "--data", data, "--limit", "200", "--epochs", "2", "--batch", "40", "--threads", "2",
                "--method", "freeze-prefix:layers=4,at=2", "--out", out.toString(), "--json");
        assertEquals(0, t.status(), t.err());
        String csv = Files.readString(out.resolve("metrics.csv"));
        String[] rows = csv.lines().toArray(String[]::new);
        int col = java.util.Arrays.asList(rows[0].split(",")).indexOf("train_flops");
        assertTrue(Long.parseLong(rows[2].split(",")[col]) < Long.parseLong(rows[1].split(",")[col]), "epoch 2 trains less: " + csv);
        Run other = lanes("train", "--data", data, "--limit", "200", "--epochs", "2", "--batch", "40", "--threads", "2",
                "--out", out.toString(), "--resume");
        assertEquals(1, other.status());
        assertTrue(other.err().contains("methods="), other.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "train --bogus", "train --epochs", "train --epochs abc", "train --epochs 0", "train --lr -1", "train --lr nan",
            "train --optimizer rmsprop", "train --model alexnet", "train --batch 2.5", "train --threads 0", "train --resume=yes",
            "train extra", "train -x", "eval", "eval a b", "eval m --bogus 1", "inspect", "inspect m --threads 2",
            "train --method nope", "train --method freeze-prefix:layers=x", "train --method freeze-prefix:layers=2,bogus=1", "bench", "bench fft", "bench gemm --n -5", "bench step --model nope", "bench step --batch", "frobnicate", ""})
    void badCommandLinesExitWithTwoAndOneLine(String line) {
        Run r = lanes(line.isEmpty() ? new String[0] : line.split(" "));
        assertEquals(2, r.status(), line + " -> " + r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("lanes"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "train --help", "eval --help", "inspect --help", "bench --help", "bench gemm --help", "bench peak --help", "bench step --help"})
    void helpOnEveryCommand(String line) {
        Run r = lanes(line.split(" "));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Usage: lanes"), r.out());
    }

    @Test
    void missingFilesAreErrorsWithStatusOne() {
        Run r = lanes("eval", tmp.resolve("none.lanes").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("none.lanes"), r.err());
        Run d = lanes("train", "--data", tmp.toString());
        assertEquals(1, d.status());
        assertTrue(d.err().contains("neither MNIST-style"), d.err());
    }

    @Test
    void trainThenEvalAndInspectTheSavedModel() throws Exception {
        Path out = tmp.resolve("run");
        String data = TestData.mnistDir().toString();
        Run t = lanes("train", "--data", data, "--limit", "1000", "--epochs", "1", "--batch", "20", "--lr", "0.003", "--threads", "2",
                "--out", out.toString(), "--json");
        assertEquals(0, t.status(), t.err());
        String json = t.out().strip();
        assertEquals(1, json.lines().count(), "one JSON object: " + json);
        double acc = number(json, "test_accuracy");
        assertTrue(acc > 0.7 && acc <= 1, "1000 images, one epoch (measured 82-84%): " + json);
        for (String key : new String[] {"test_loss", "epochs", "train_seconds", "params", "threads"}) number(json, key);
        assertTrue(json.contains("\"model\": \"lenet5\""), json);
        for (String f : new String[] {"metrics.csv", "metrics.json", "chart.svg", "model.lanes", "checkpoints/epoch-0001.lanes"}) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertEquals(2, Files.readAllLines(out.resolve("metrics.csv")).size(), "header and one epoch");
        String metrics = Files.readString(out.resolve("metrics.json"));
        assertTrue(metrics.contains("\"run\": {\"model\": \"lenet5\"") && metrics.contains("\"epochs\": [{\"epoch\": 1,"), metrics);
        assertTrue(metrics.contains("\"confusion\": [["), metrics);

        Run e = lanes("eval", out.resolve("model.lanes").toString(), "--data", data, "--json");
        assertEquals(0, e.status(), e.err());
        assertEquals(acc, number(e.out(), "test_accuracy"), 0.0, "eval of the saved model reproduces the run's test accuracy");

        Run i = lanes("inspect", out.resolve("model.lanes").toString());
        assertEquals(0, i.status(), i.err());
        assertTrue(i.out().contains("conv1") && i.out().contains("fc3") && i.out().contains("[1, 10]"), i.out());

        // resuming a finished run has nothing left to do and reports the same accuracy
        Run again = lanes("train", "--data", data, "--limit", "1000", "--epochs", "1", "--batch", "20", "--lr", "0.003", "--threads", "2",
                "--out", out.toString(), "--json", "--resume");
        assertEquals(0, again.status(), again.err());
        assertEquals(acc, number(again.out(), "test_accuracy"), 0.0);
        Run mismatch = lanes("train", "--data", data, "--limit", "1000", "--epochs", "1", "--batch", "64", "--lr", "0.003", "--out", out.toString(), "--resume");
        assertEquals(1, mismatch.status());
        assertTrue(mismatch.err().contains("batch=20"), mismatch.err());
    }

    @Test
    void heldOutValidationIsReportedApartFromTheTestSplit() {
        String data = TestData.mnistDir().toString();
        Run t = lanes("train", "--data", data, "--limit", "1200", "--validation", "200", "--epochs", "1", "--batch", "20",
                "--threads", "1", "--out", tmp.resolve("val").toString(), "--json");
        assertEquals(0, t.status(), t.err());
        assertEquals(200, number(t.out(), "validation_images"), 0.0);
        double val = number(t.out(), "validation_accuracy"), test = number(t.out(), "test_accuracy");
        // 200 validation images give accuracies in steps of 0.5%; 10,000 test images in steps of 0.01%
        assertEquals(0, Math.round(val * 200 * 1000) % 1000, "validation accuracy is a count out of 200: " + val);
        assertTrue(test > 0.5 && val > 0.5, t.out());
        Run tooMany = lanes("train", "--data", data, "--limit", "100", "--validation", "100", "--out", tmp.resolve("v2").toString());
        assertEquals(2, tooMany.status());
        assertTrue(tooMany.err().contains("--validation 100 leaves no training images out of 100"), tooMany.err());
    }

    @Test
    void validationDefaultsToATwelfthOfTheTrainingImages() {
        Run t = lanes("train", "--data", TestData.mnistDir().toString(), "--limit", "1200", "--epochs", "1", "--batch", "50",
                "--threads", "1", "--out", tmp.resolve("val12").toString(), "--json");
        assertEquals(0, t.status(), t.err());
        assertEquals(100, number(t.out(), "validation_images"), 0.0, "1200 / 12 held out, the test split kept for the report");
    }

    @Test
    void aCifarFolderWithoutItsTestBatchIsToldSo() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(tmp.resolve("cifar"));
        byte[] record = new byte[3073]; // label 0, a black 3x32x32 image
        for (int b = 1; b <= 5; b++) java.nio.file.Files.write(dir.resolve("data_batch_" + b + ".bin"), record);
        Run t = lanes("train", "--data", dir.toString(), "--epochs", "1", "--out", tmp.resolve("c").toString());
        assertEquals(1, t.status(), t.err());
        assertTrue(t.err().contains("test_batch.bin") && !t.err().contains("neither"), t.err());
    }

    @Test
    void benchStepPrintsJson() {
        Run r = lanes("bench", "step", "--model", "lenet5", "--batch", "8", "--threads", "1", "--steps", "3", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(number(r.out(), "median_ms") > 0, r.out());
        assertTrue(number(r.out(), "gflops") > 0, r.out());
    }

    @Test
    void benchGemmPrintsJson() {
        Run r = lanes("bench", "gemm", "--n", "64", "--threads", "1", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(number(r.out(), "median_gflops") > 0, r.out());
    }

    @Test
    void benchPeakPrintsTheFmaCeilingOfThePreferredWidth() {
        Run r = lanes("bench", "peak", "--threads", "1", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), (int) number(r.out(), "float_lanes"), r.out());
        assertTrue(number(r.out(), "median_gflops") > 0, r.out());
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ?(-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }
}
