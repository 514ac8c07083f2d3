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

class LowRankExperimentTest {
    @TempDir Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return Lanes.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The FLOPs the method reported at its switch are those of the saved final model; both arms are measured for speed. */
    @Test
    void theMethodArmFactorisesMidRunAndTheFinalModelsAreMeasured() throws Exception {
        Path dir = tmp.resolve("exp");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = run(out, err, "experiment", "lowrank", "--data", TestData.mnistDir().toString(), "--limit", "128", "--test-limit", "64",
                "--epochs", "2", "--seeds", "1", "--batch", "32", "--threads", "2", "--rounds", "2", "--out", dir.toString(), "--json");
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("conv FLOPs per image"), out.toString(StandardCharsets.UTF_8));
        Map<String, Object> j = map(JsonText.parse(lines.get(lines.size() - 1)));
        assertEquals("small-cnn", j.get("model"));
        assertEquals(4, ((List<?>) j.get("claims")).size());
        Map<String, Object> results = map(JsonText.parse(Files.readString(dir.resolve("results.json"))));
        assertEquals(List.of("lowrank:at=2,flops=0.5"), results.get("method_arm_methods"));
        Map<String, Object> summary = map(((List<?>) map(((List<?>) map(results.get("runs")).get("method")).get(0)).get("methods")).get(0));
        assertEquals(true, summary.get("factorised"));
        Map<String, Object> seed = map(((List<?>) map(results.get("final_models")).get("seeds")).get(0));
        assertEquals(summary.get("conv_flops_before"), seed.get("baseline_conv_flops"));
        assertEquals(summary.get("conv_flops_after"), seed.get("method_conv_flops"));
        assertTrue((Double) seed.get("conv_flops_reduction") >= 2, seed.toString());
        assertTrue((Double) seed.get("baseline_images_per_second") > 0 && (Double) seed.get("method_images_per_second") > 0, seed.toString());
    }

    @Test
    void aSwitchAfterTheLastEpochIsRefusedBeforeAnyRun() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = run(out, err, "experiment", "lowrank", "--data", TestData.mnistDir().toString(), "--epochs", "2", "--at", "3", "--out", tmp.resolve("x").toString());
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("at=3 is after the last epoch (2)"), err.toString(StandardCharsets.UTF_8));
    }
}
