package dev.lanes.training.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.arch.JsonText;
import dev.lanes.training.TestData;
import dev.lanes.training.cli.Lanes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RescaleExperimentTest {
    @TempDir Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Lanes.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theExperimentPairsArmsPerSeedAndChecksBothClaims() throws Exception {
        Path dir = tmp.resolve("exp");
        String stdout = run("experiment", "rescale", "--data", TestData.mnistDir().toString(), "--limit", "128", "--test-limit", "64", "--epochs", "2",
                "--seeds", "1", "--batch", "32", "--threads", "2", "--out", dir.toString(), "--json");
        List<String> lines = stdout.lines().toList();
        Map<String, Object> j = map(JsonText.parse(lines.get(lines.size() - 1)));
        assertEquals("gap-cnn", j.get("model"));
        List<?> claims = (List<?>) j.get("claims");
        assertEquals(2, claims.size());
        assertTrue(String.valueOf(map(claims.get(0)).get("measured")).contains("x baseline"), claims.toString());
        Map<String, Object> results = map(JsonText.parse(Files.readString(dir.resolve("results.json"))));
        assertEquals(List.of("rescale:interp=bicubic,rewarm=1,switch=auto"), results.get("method_arm_methods"));
        // the baseline's model is the one its last epoch evaluated: the final evaluation repeats that number
        Map<String, Object> base = map(((List<?>) map(results.get("runs")).get("baseline")).get(0));
        List<?> perEpoch = (List<?>) base.get("epoch_test_accuracy");
        assertEquals(perEpoch.get(perEpoch.size() - 1), base.get("test_accuracy"));
    }

    @Test
    void theSweepRunsEverySwitchEpochAndSwitchZeroIsTheBaseline() throws Exception {
        Path dir = tmp.resolve("sweep");
        String stdout = run("experiment", "rescale", "--sweep", "--data", TestData.mnistDir().toString(), "--limit", "96", "--test-limit", "64",
                "--epochs", "2", "--seeds", "1", "--batch", "32", "--threads", "2", "--out", dir.toString());
        assertTrue(stdout.contains("time vs switch 0"), stdout);
        Map<String, Object> j = map(JsonText.parse(Files.readString(dir.resolve("sweep.json"))));
        List<?> points = (List<?>) j.get("points");
        assertEquals(3, points.size(), "switch 0, 1, 2");
        for (int s = 0; s < 3; s++) assertEquals((double) s, map(points.get(s)).get("switch"));
        assertEquals(1.0, map(map(points.get(0)).get("time_ratio")).get("mean"));
        assertEquals(0.0, map(map(points.get(0)).get("accuracy_diff_points")).get("mean"));
        String svg = Files.readString(dir.resolve("sweep.svg"));
        assertEquals(2, svg.split("<polyline", -1).length - 1, "one line per seed and the mean");
    }

    @Test
    void pairedRatiosAndDifferencesArePerSeed() {
        double[] none = {};
        RunResult b1 = new RunResult(1, 0.90, 100, 0, 0, 0, 0, none, none), b2 = new RunResult(2, 0.80, 200, 0, 0, 0, 0, none, none);
        RunResult m1 = new RunResult(1, 0.89, 60, 0, 0, 0, 0, none, none), m2 = new RunResult(2, 0.81, 140, 0, 0, 0, 0, none, none);
        ArmResult base = new ArmResult("baseline", List.of(), List.of(b1, b2)), method = new ArmResult("method", List.of(), List.of(m1, m2));
        assertEquals(Stats.of(0.6, 0.7), RescaleExperiment.timeRatio(base, method));
        Stats d = RescaleExperiment.accuracyDiff(base, method);
        assertEquals(0.0, d.mean(), 1e-9);
        assertEquals(Math.sqrt(2), d.std(), 1e-9);
    }
}
