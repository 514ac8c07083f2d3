package dev.lanes.training.cli;

import static dev.lanes.training.cli.LanesCliTest.lanes;
import static dev.lanes.training.cli.LanesCliTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.training.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compact zoo model (depthwise-separable blocks) trains, and its saved file runs under eval, inspect and bench infer. */
class CompactModelCliTest {
    @TempDir Path tmp;

    @Test
    void gapCnnDsTrainsAndItsFileRunsUnderEvalInspectAndBenchInfer() {
        Path out = tmp.resolve("ds");
        String data = TestData.mnistDir().toString();
        LanesCliTest.Run t = lanes("train", "--model", "gap-cnn-ds", "--data", data, "--limit", "300", "--epochs", "1", "--batch", "30",
                "--threads", "2", "--out", out.toString(), "--json");
        assertEquals(0, t.status(), t.err());
        assertTrue(t.out().contains("\"model\": \"gap-cnn-ds\""), t.out());
        assertEquals(4362, number(t.out(), "params"), 0.0, t.out());
        double acc = number(t.out(), "test_accuracy");
        Path model = out.resolve("model.lanes");
        LanesCliTest.Run e = lanes("eval", model.toString(), "--data", data, "--json");
        assertEquals(0, e.status(), e.err());
        assertEquals(acc, number(e.out(), "test_accuracy"), 0.0, "eval of the saved model reproduces the run's test accuracy");
        LanesCliTest.Run i = lanes("inspect", model.toString());
        assertEquals(0, i.status(), i.err());
        assertTrue(i.out().contains("block2.depthwise") && i.out().contains("groups 16"), i.out());
        LanesCliTest.Run b = lanes("bench", "infer", model.toString(), "--batch", "8", "--rounds", "2", "--threads", "1", "--json");
        assertEquals(0, b.status(), b.err());
        assertTrue(number(b.out(), "images_per_second") > 0, b.out());
    }
}
