package dev.lanes.training.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.Module;
import dev.lanes.nn.arch.JsonText;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.training.TestData;
import dev.lanes.training.cli.Lanes;
import dev.lanes.training.methods.MethodSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactExperimentTest {
    @TempDir Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    private record Run(int status, String out, String err) {}

    private static Run lanes(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Lanes.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The method arm trains the compact twin (its saved models are gap-cnn-ds), the baseline the standard model. */
    @Test
    void theMethodArmTrainsTheCompactTwinAndBothClaimsAreChecked() throws Exception {
        Path dir = tmp.resolve("exp");
        Run r = lanes("experiment", "compact", "--data", TestData.mnistDir().toString(), "--limit", "128", "--test-limit", "64", "--epochs", "1",
                "--seeds", "1", "--batch", "32", "--threads", "2", "--out", dir.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("method arm model: gap-cnn-ds"), r.out());
        List<String> lines = r.out().lines().toList();
        Map<String, Object> j = map(JsonText.parse(lines.get(lines.size() - 1)));
        assertEquals("gap-cnn", j.get("model"));
        Map<String, Object> method = map(j.get("method")), baseline = map(j.get("baseline"));
        assertEquals("gap-cnn-ds", method.get("model"));
        assertFalse(baseline.containsKey("model"));
        assertEquals(4.0 * 32506, baseline.get("param_bytes"));
        assertEquals(4362.0, method.get("parameters"));
        assertEquals(32506.0 / 4362, (Double) method.get("parameter_reduction_factor"), 1e-12);
        assertTrue((Double) method.get("forward_flops_reduction_factor") > 3, method.toString());
        List<?> claims = (List<?>) j.get("claims");
        assertEquals(2, claims.size());
        assertEquals(true, map(claims.get(0)).get("holds"), claims.toString());
        assertTrue(String.valueOf(map(claims.get(0)).get("measured")).contains("4362 parameters against 32506"), claims.toString());
        Module saved = ModelFile.read(dir.resolve("models").resolve("method-seed1.lanes")).build();
        assertEquals(4362, saved.parameterCount());
        assertTrue(saved.namedParameters().containsKey("block2.depthwise.weight"));
        assertEquals(32506, ModelFile.read(dir.resolve("models").resolve("baseline-seed1.lanes")).build().parameterCount());
    }

    @Test
    void aModelWithoutACompactTwinIsAUsageError() {
        Run r = lanes("experiment", "compact", "--model", "lenet5", "--data", TestData.mnistDir().toString());
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("lenet5 has no compact twin") && r.err().contains("gap-cnn (against gap-cnn-ds)"), r.err());
    }

    /** --twin replaces the method arm's model by a width variant of the twin; anything else is a usage error. */
    @Test
    void theTwinOptionChoosesAWidthVariantOfTheTwin() throws Exception {
        Path dir = tmp.resolve("wide");
        Run r = lanes("experiment", "compact", "--twin", "gap-cnn-ds-w1.7", "--data", TestData.mnistDir().toString(), "--limit", "64",
                "--test-limit", "32", "--epochs", "1", "--seeds", "1", "--batch", "32", "--threads", "2", "--out", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("method arm model: gap-cnn-ds-w1.7"), r.out());
        assertEquals(10390, ModelFile.read(dir.resolve("models").resolve("method-seed1.lanes")).build().parameterCount());
        Run other = lanes("experiment", "compact", "--twin", "resnet8", "--data", TestData.mnistDir().toString());
        assertEquals(2, other.status(), other.err());
        assertTrue(other.err().contains("--twin resnet8 is not gap-cnn-ds or gap-cnn-ds-w<width multiplier>"), other.err());
        Run bad = lanes("experiment", "compact", "--twin", "gap-cnn-ds-wx", "--data", TestData.mnistDir().toString());
        assertEquals(2, bad.status(), bad.err());
        Run elsewhere = lanes("experiment", "baseline", "--twin", "gap-cnn-ds-w1.7", "--data", TestData.mnistDir().toString());
        assertEquals(2, elsewhere.status(), elsewhere.err());
        assertTrue(elsewhere.err().contains("--twin does not apply"), elsewhere.err());
    }

    /** By default the method arm trains the baseline's model, and replacing the methods keeps the experiment's model. */
    @Test
    void theMethodModelDefaultsToTheBaselinesAndSurvivesReplacedMethods() {
        ExperimentOptions o = new ExperimentOptions("gap-cnn", "d", 1, 1, 1, 1, 1e-3, 1);
        assertEquals("gap-cnn", Experiments.get("baseline").methodModel(o));
        Experiment replaced = Experiments.withMethods(Experiments.get("compact"), List.of(new MethodSpec("freeze-prefix", Map.of("layers", "2"))));
        assertEquals("gap-cnn-ds", replaced.methodModel(o));
        assertEquals("gap-cnn-ds", o.withModel("gap-cnn-ds").model());
        assertEquals(o, o.withModel("gap-cnn-ds").withModel("gap-cnn"));
    }
}
