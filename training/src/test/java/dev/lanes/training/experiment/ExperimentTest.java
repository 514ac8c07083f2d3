package dev.lanes.training.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.arch.JsonText;
import dev.lanes.training.TestData;
import dev.lanes.training.cli.Lanes;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.DatasetStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentTest {
    @TempDir Path tmp;

    private static final Set<String> STATS = Set.of("mean", "std");
    private static final Set<String> ARM = Set.of("test_accuracy", "train_seconds", "forward_flops", "train_flops", "param_bytes");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    private static void assertArm(Map<String, Object> arm, boolean method) {
        Set<String> keys = new java.util.HashSet<>(ARM);
        if (method) keys.add("seconds_to_baseline_accuracy");
        assertEquals(keys, arm.keySet());
        for (String k : List.of("test_accuracy", "train_seconds", "forward_flops", "train_flops")) {
            assertEquals(STATS, map(arm.get(k)).keySet(), k);
            assertTrue(arm.get(k) != null && map(arm.get(k)).get("mean") instanceof Double, k + " has a numeric mean");
        }
        assertTrue((Double) arm.get("param_bytes") > 0);
        if (method) assertEquals(Set.of("mean", "std", "reached"), map(arm.get("seconds_to_baseline_accuracy")).keySet());
    }

    @Test
    void jsonLineHasExactlyTheShapeOfIssue7AndTheFilesAreWritten() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Path dir = tmp.resolve("exp");
        int status = Lanes.run(new String[] {"experiment", "baseline", "--data", TestData.mnistDir().toString(), "--limit", "120",
                "--test-limit", "100", "--epochs", "2", "--seeds", "2", "--batch", "40", "--threads", "2", "--out", dir.toString(), "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        List<String> lines = stdout.lines().toList();
        assertTrue(stdout.contains("test accuracy (%)") && stdout.contains("seconds to baseline accuracy"), "the table: " + stdout);
        Map<String, Object> j = map(JsonText.parse(lines.get(lines.size() - 1)));
        assertEquals(List.of("experiment", "model", "data", "seeds", "baseline", "method", "claims"), List.copyOf(j.keySet()));
        assertEquals("baseline", j.get("experiment"));
        assertEquals("lenet5", j.get("model"));
        assertEquals(2.0, j.get("seeds"));
        assertArm(map(j.get("baseline")), false);
        assertArm(map(j.get("method")), true);
        List<?> claims = (List<?>) j.get("claims");
        assertEquals(1, claims.size());
        Map<String, Object> claim = map(claims.get(0));
        assertEquals(Set.of("claim", "paper", "measured", "holds"), claim.keySet());
        assertEquals(true, claim.get("holds"), "identical arms are identical: " + claim);
        assertEquals(map(j.get("baseline")).get("test_accuracy"), map(j.get("method")).get("test_accuracy"));

        Map<String, Object> results = map(JsonText.parse(Files.readString(dir.resolve("results.json"))));
        assertEquals(2, ((List<?>) map(results.get("runs")).get("method")).size());
        String svg = Files.readString(dir.resolve("experiment.svg"));
        assertEquals(4, svg.split("<polyline", -1).length - 1, "one line per arm and seed");
        assertTrue(Files.exists(dir.resolve("models").resolve("method-seed2.lanes")));
        // the result records the command that made it, which lanes report names beside each claim
        String command = (String) results.get("command");
        assertTrue(command.startsWith("bin/lanes experiment baseline --data ") && command.endsWith("--out " + dir + " --json"), command);
        ByteArrayOutputStream rep = new ByteArrayOutputStream();
        assertEquals(0, Lanes.run(new String[] {"report", "--results", tmp.toString()}, new PrintStream(rep, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(rep.toString(StandardCharsets.UTF_8).contains("`" + command + "`"), rep.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theFreezeExperimentHasAFreezeOutArmAndTheForwardFlopsReduction() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Path dir = tmp.resolve("freeze");
        int status = Lanes.run(new String[] {"experiment", "freeze", "--model", "lenet5", "--data", TestData.mnistDir().toString(), "--limit", "120",
                "--test-limit", "100", "--epochs", "3", "--seeds", "1", "--batch", "40", "--threads", "2", "--out", dir.toString(), "--json",
                "--method", "freeze:warmup=0,threshold=absolute,tau=1e9"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertTrue(stdout.contains("freezeout arm: freezeout:t0=0.5"), stdout);
        assertTrue(stdout.contains("method arm: freeze:tau=1e9,threshold=absolute,warmup=0"), "--method replaces the method arm's: " + stdout);
        List<String> lines = stdout.lines().toList();
        Map<String, Object> j = map(JsonText.parse(lines.get(lines.size() - 1)));
        assertEquals(List.of("experiment", "model", "data", "seeds", "baseline", "method", "freezeout", "claims"), List.copyOf(j.keySet()));
        assertEquals("lenet5", j.get("model"));
        Map<String, Object> method = map(j.get("method")), freezeout = map(j.get("freezeout")), baseline = map(j.get("baseline"));
        double reduction = (Double) method.get("forward_flops_reduction");
        double forward = (Double) map(method.get("forward_flops")).get("mean"), base = (Double) map(baseline.get("forward_flops")).get("mean");
        assertEquals(1 - forward / base, reduction, 1e-12);
        // everything but the head froze after epoch 1, epoch 2 filled the cache, epoch 3 ran the head only
        assertTrue(reduction > 0.3, "reduction " + reduction);
        // freezeout over 3 epochs freezes stage 0 after epoch 2 (2/3 >= t0 = 0.5); the last epoch fills the cache, so the
        // forward work is the baseline's, and the arm is there with its reduction
        assertTrue(freezeout.containsKey("forward_flops_reduction") && !baseline.containsKey("forward_flops_reduction"));
        assertEquals(4, ((List<?>) j.get("claims")).size());
        Map<String, Object> results = map(JsonText.parse(Files.readString(dir.resolve("results.json"))));
        Map<String, Object> run = map(((List<?>) map(results.get("runs")).get("method")).get(0));
        Map<String, Object> summary = map(((List<?>) run.get("methods")).get(0));
        assertEquals("freeze", summary.get("method"));
        assertEquals(3, ((List<?>) summary.get("epochs")).size(), "one entry per epoch: frozen prefix, FLOPs, cache bytes");
    }

    @Test
    void theCosineScheduleReachesTheOptimizerAndEndsNearZero() throws Exception {
        Parallel.setThreads(2);
        Dataset train = TestData.mnistTrain().subset(0, 320), test = TestData.mnistTest().subset(0, 50);
        ExperimentOptions o = new ExperimentOptions("lenet5", "mnist", 2, 1, 320, 32, 0.004, 2);
        RunResult r = ExperimentRunner.runOne("baseline", List.of(), o, 0, 1, train, test, DatasetStats.meanStd(train), false, tmp, 
                new PrintStream(java.io.OutputStream.nullOutputStream()));
        int steps = 2 * 10;
        float expected = (float) (0.004 * 0.5 * (1 + Math.cos(Math.PI * (steps - 1) / steps)));
        assertEquals(expected, (float) r.lastLearningRate(), "the optimizer ran the last step at the schedule's last rate");
        assertTrue(r.lastLearningRate() < 0.004 * 0.01, "last rate " + r.lastLearningRate() + " is about 0");
    }

    @Test
    void meanAndSampleStandardDeviation() {
        Stats s = Stats.of(1, 2, 3, 4);
        assertEquals(2.5, s.mean());
        assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-15);
        assertEquals(new Stats(7, 0, 1), Stats.of(7));
        assertTrue(Double.isNaN(Stats.of().mean()) && Double.isNaN(Stats.of().std()));
        assertEquals(0.0, Stats.of(0.1, 0.1, 0.1).std(), 1e-15);

        RunResult fast = new RunResult(1, 0.9, 3, 10, 30, 4, 0, new double[] {1, 2, 3}, new double[] {0.5, 0.8, 0.9});
        RunResult slow = new RunResult(2, 0.7, 5, 10, 30, 4, 0, new double[] {2, 4, 5}, new double[] {0.6, 0.7, 0.7});
        RunResult late = new RunResult(3, 0.85, 4, 10, 30, 4, 0, new double[] {1, 3, 4}, new double[] {0.5, 0.6, 0.85});
        ArmResult arm = new ArmResult("m", List.of(), List.of(fast, slow, late));
        assertEquals(Stats.of(0.9, 0.7, 0.85), arm.testAccuracy());
        assertEquals(2, arm.reached(0.8));
        assertEquals(Stats.of(2, 4), arm.secondsTo(0.8), "first epoch at or above the target, over the runs that reach it");
        assertEquals(0, arm.reached(0.95));
        assertTrue(Double.isNaN(arm.secondsTo(0.95).mean()));
    }
}
