package dev.lanes.training.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/** {@code lanes experiment compose}: its JSON shape (issue 14), the composed arm's methods in order, the claims' logic, --l2. */
class CompositionExperimentTest {
    @TempDir Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    private static final Set<String> ARM = Set.of("test_accuracy", "train_seconds", "forward_flops", "train_flops", "param_bytes", "infer_ms");

    @Test
    void theJsonLineHasEveryArmByNameWithInferenceTimeAndTheComposedArmRunsTheMethodsInOrder() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Path dir = tmp.resolve("compose");
        int status = Lanes.run(new String[] {"experiment", "compose", "--data", TestData.mnistDir().toString(), "--limit", "160",
                "--test-limit", "64", "--epochs", "4", "--seeds", "1", "--batch", "32", "--threads", "2", "--out", dir.toString(), "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertTrue(stdout.contains("composed arm: rescale:"), stdout);
        assertTrue(stdout.contains("inference ms/batch 32"), "the table has the inference row: " + stdout);
        List<String> lines = stdout.lines().toList();
        Map<String, Object> j = map(JsonText.parse(lines.get(lines.size() - 1)));
        assertEquals(List.of("experiment", "model", "data", "seeds", "arms", "claims"), List.copyOf(j.keySet()));
        assertEquals("compose", j.get("experiment"));
        assertEquals("cnn-16-32-64-128", j.get("model"));
        Map<String, Object> arms = map(j.get("arms"));
        assertEquals(List.of("baseline", "composed", "rescale", "freeze", "prune", "ternary"), List.copyOf(arms.keySet()));
        for (String arm : arms.keySet()) {
            Map<String, Object> a = map(arms.get(arm));
            assertTrue(a.keySet().containsAll(ARM), arm + ": " + a.keySet());
            assertTrue((Double) map(a.get("infer_ms")).get("mean") > 0, arm + " measured its inference time");
            if (!arm.equals("baseline")) assertTrue(a.containsKey("seconds_to_baseline_accuracy") && a.containsKey("wall_ratio"), arm);
        }
        assertEquals(3, ((List<?>) j.get("claims")).size());
        Map<String, Object> results = map(JsonText.parse(Files.readString(dir.resolve("results.json"))));
        assertEquals(List.of("rescale:interp=bicubic,rewarm=1,switch=auto", "prune:at=3", "constrained:from=3,grow=1"), results.get("ternary_arm_methods"));
        // packed codes: the ternary arm's parameters take far fewer bytes than the baseline's floats
        assertTrue((Double) map(arms.get("ternary")).get("param_bytes") * 4 < (Double) map(arms.get("baseline")).get("param_bytes"));
        List<?> composed = (List<?>) results.get("method_arm_methods");
        assertEquals(3, composed.size());
        assertTrue(((String) composed.get(0)).startsWith("rescale:") && composed.get(1).equals("freeze:history=keep,tau=0.25") && composed.get(2).equals("prune:at=4"), composed.toString());
        assertEquals(List.of("prune:at=3"), results.get("prune_arm_methods"));
        // each run of the composed arm reports all three methods, in list order
        Map<String, Object> run = map(((List<?>) map(results.get("runs")).get("composed")).get(0));
        List<?> summaries = (List<?>) run.get("methods");
        assertEquals(List.of("rescale", "freeze", "prune"), summaries.stream().map(s -> map(s).get("method")).toList());
        assertTrue(Files.size(dir.resolve("experiment.svg")) > 0);
    }

    private static RunResult run(long seed, double accuracy, double seconds, double[] epochSeconds, double[] epochAccuracy) {
        return new RunResult(seed, accuracy, seconds, 0, 0, 0, 0, epochSeconds, epochAccuracy);
    }

    private static ArmResult arm(String name, RunResult... runs) { return new ArmResult(name, List.of(), List.of(runs)); }

    @Test
    void theTargetNeedsTheBaselineAccuracySoonerThanEverySingleMethodAndNoWorseALossThanTheWorstOne() {
        CompositionExperiment e = new CompositionExperiment();
        ExperimentOptions o = e.defaults(new ExperimentOptions("", "x", 1, 1, 1, 1, 1, 1));
        ArmResult baseline = arm("baseline", run(1, 0.90, 100, new double[] {50, 100}, new double[] {0.85, 0.90}));
        ArmResult rescale = arm("rescale", run(1, 0.90, 70, new double[] {30, 70}, new double[] {0.90, 0.90}));
        ArmResult freeze = arm("freeze", run(1, 0.88, 80, new double[] {50, 80}, new double[] {0.85, 0.88}));
        ArmResult prune = arm("prune", run(1, 0.91, 90, new double[] {50, 90}, new double[] {0.85, 0.91}));
        List<ArmResult> singles = List.of(rescale, freeze, prune);
        // 20 s to 90%, sooner than rescale's 30; -1 point, no worse than freeze's -2
        ArmResult sooner = arm("composed", run(1, 0.89, 60, new double[] {10, 20, 60}, new double[] {0.80, 0.90, 0.89}));
        List<Claim> claims = e.claims(o, baseline, sooner, singles);
        assertTrue(claims.get(0).holds() && claims.get(1).holds(), claims.toString());
        // later than rescale to the baseline's accuracy (65 s against 30), though less wall time in all
        ArmResult later = arm("composed", run(1, 0.90, 65, new double[] {30, 65}, new double[] {0.85, 0.90}));
        claims = e.claims(o, baseline, later, singles);
        assertFalse(claims.get(0).holds());
        assertTrue(claims.get(1).holds());
        // reaching it on fewer seeds than a single method is not sooner, however fast those seeds were
        ArmResult twoSeeds = arm("rescale", run(1, 0.90, 70, new double[] {30, 70}, new double[] {0.90, 0.90}),
                run(2, 0.90, 70, new double[] {30, 70}, new double[] {0.90, 0.90}));
        ArmResult oneOfTwo = arm("composed", run(1, 0.90, 40, new double[] {10, 40}, new double[] {0.90, 0.90}),
                run(2, 0.89, 40, new double[] {10, 40}, new double[] {0.85, 0.89}));
        assertFalse(CompositionExperiment.reachesSooner(oneOfTwo, twoSeeds, 0.90));
        assertFalse(CompositionExperiment.reachesSooner(twoSeeds, oneOfTwo, 0.90), "more seeds but slower is not sooner either");
        // never reaching the baseline's accuracy is never sooner; a loss worse than freeze's fails both
        ArmResult lossy = arm("composed", run(1, 0.87, 50, new double[] {25, 50}, new double[] {0.86, 0.87}));
        claims = e.claims(o, baseline, lossy, singles);
        assertFalse(claims.get(0).holds() || claims.get(1).holds(), claims.toString());
        assertTrue(claims.get(0).measured().contains("composed: -3.00"), claims.get(0).measured());
    }

    @Test
    void theL2CoefficientReachesTheOptimizerOfEveryArm() throws Exception {
        Parallel.setThreads(2);
        Dataset train = TestData.mnistTrain().subset(0, 128), test = TestData.mnistTest().subset(0, 32);
        ExperimentOptions o = new ExperimentOptions("lenet5", "mnist", 1, 1, 128, 32, 0.004, 2);
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        float[][] norm = DatasetStats.meanStd(train);
        RunResult none = ExperimentRunner.runOne("baseline", List.of(), o, 0, 1, train, test, norm, false, tmp.resolve("a"), quiet);
        RunResult again = ExperimentRunner.runOne("baseline", List.of(), o, 0, 1, train, test, norm, false, tmp.resolve("b"), quiet);
        RunResult l2 = ExperimentRunner.runOne("baseline", List.of(), o, 0.5, 1, train, test, norm, false, tmp.resolve("c"), quiet);
        byte[] a = Files.readAllBytes(tmp.resolve("a/models/baseline-seed1.lanes")), b = Files.readAllBytes(tmp.resolve("b/models/baseline-seed1.lanes"));
        byte[] c = Files.readAllBytes(tmp.resolve("c/models/baseline-seed1.lanes"));
        assertTrue(java.util.Arrays.equals(a, b), "the same run twice gives the same model");
        assertFalse(java.util.Arrays.equals(a, c), "L2 0.5 changes the trained weights");
        assertNotEquals(Double.NaN, l2.testAccuracy());
        assertEquals(none.testAccuracy(), again.testAccuracy());
        assertEquals(0.5, Experiments.withL2(new CompositionExperiment(), 0.5).l2(o));
        assertEquals(CompositionExperiment.L2, Experiments.get("compose").l2(o));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Lanes.run(new String[] {"experiment", "baseline", "--l2", "-1", "--data", TestData.mnistDir().toString()},
                quiet, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--l2"), err.toString(StandardCharsets.UTF_8));
    }
}
