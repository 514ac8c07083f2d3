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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparsityExperimentTest {
    @TempDir Path tmp;

    record Run(int status, String out, String err) {}

    static Run lanes(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Lanes.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    private static Map<String, Object> lastLine(String stdout) {
        List<String> lines = stdout.lines().toList();
        return map(JsonText.parse(lines.get(lines.size() - 1)));
    }

    @Test
    void threeArmsAndThePrunedModelInTheShapeOfIssue11() throws Exception {
        Path dir = tmp.resolve("exp");
        Run r = lanes("experiment", "sparsity", "--data", TestData.mnistDir().toString(), "--model", "cnn-4-8", "--limit", "300", "--test-limit", "100",
                "--epochs", "1", "--seeds", "2", "--batch", "30", "--rounds", "1", "--threads", "2", "--out", dir.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        Map<String, Object> j = lastLine(r.out());
        assertEquals(List.of("experiment", "arms", "pruned"), List.copyOf(j.keySet()));
        assertEquals("sparsity", j.get("experiment"));
        Map<String, Object> arms = map(j.get("arms"));
        assertEquals(List.of("adam_l2", "adamw", "sgd"), List.copyOf(arms.keySet()));
        for (Object arm : arms.values()) {
            assertEquals(Set.of("dead_fraction", "test_accuracy"), map(arm).keySet());
            for (Object s : map(arm).values()) assertEquals(Set.of("mean", "std"), map(s).keySet());
        }
        Map<String, Object> pruned = map(j.get("pruned"));
        assertEquals(List.of("arm", "dead_fraction", "params_before", "params_after", "flops_before", "flops_after", "max_abs_diff",
                "prediction_agreement", "inference_speedup"), List.copyOf(pruned.keySet()));
        assertEquals("adam_l2", pruned.get("arm"));
        assertTrue((Double) pruned.get("params_after") <= (Double) pruned.get("params_before"));
        assertTrue((Double) pruned.get("inference_speedup") > 0);
        assertTrue(r.out().contains("adam_l2") && r.out().contains("conv2 (8)") && r.out().contains("Adam + L2 leaves more dead filters than SGD"), r.out());

        // the saved models carry lanes train's metadata: inspect --sparsity on the same images finds what the experiment found
        Map<String, Object> results = map(JsonText.parse(Files.readString(dir.resolve("results.json"))));
        Map<String, Object> adam = map(map(results.get("arm_details")).get("adam_l2"));
        List<?> runs = (List<?>) adam.get("runs");
        assertEquals(2, runs.size());
        Map<String, Object> first = map(runs.get(0));
        Map<String, Object> total = map(map(first.get("sparsity")).get("total"));
        Run inspect = lanes("inspect", (String) first.get("file"), "--sparsity", "--data", TestData.mnistDir().toString(), "--limit", "300", "--json");
        assertEquals(0, inspect.status(), inspect.err());
        Map<String, Object> again = map(map(JsonText.parse(inspect.out().strip())).get("total"));
        assertEquals(total, again);
        assertEquals(2, ((List<?>) results.get("pruned_per_seed")).size());
        assertEquals(4, ((List<?>) results.get("checks")).size());
    }

    @Test
    void theSweepTrainsAdamAtEachStrength() {
        Run r = lanes("experiment", "sparsity", "--sweep", "--sweep-l2", "0,0.01", "--data", TestData.mnistDir().toString(), "--model", "cnn-4",
                "--limit", "200", "--test-limit", "50", "--epochs", "1", "--seeds", "1", "--batch", "40", "--threads", "2", "--out", tmp.resolve("sw").toString(), "--json");
        assertEquals(0, r.status(), r.err());
        Map<String, Object> j = lastLine(r.out());
        assertEquals(List.of("experiment", "sweep"), List.copyOf(j.keySet()));
        List<?> points = (List<?>) map(j.get("sweep")).get("points");
        assertEquals(2, points.size());
        assertEquals(0.0, map(points.get(0)).get("l2"));
        assertEquals(0.01, map(points.get(1)).get("l2"));
        assertTrue(r.out().contains("the dead-filter fraction grows with the L2 strength"), r.out());
    }

    @Test
    void optionsOfOneExperimentAreRefusedByTheOthers() {
        Run r = lanes("experiment", "baseline", "--sweep", "--data", TestData.mnistDir().toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--sweep does not apply to experiment 'baseline'"), r.err());
        Run bad = lanes("experiment", "sparsity", "--l2", "-1", "--data", TestData.mnistDir().toString(), "--limit", "50", "--epochs", "1", "--seeds", "1",
                "--out", tmp.resolve("bad").toString());
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("--l2 must be a finite number >= 0"), bad.err());
    }
}
