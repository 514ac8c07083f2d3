package dev.lanes.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.training.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rescale → freeze → prune in one {@code lanes train} run on (the first images of) MNIST. */
class ComposeCliTest {
    @TempDir Path tmp;

    private static double after(String json, String method, String key) {
        int at = json.indexOf("\"method\": \"" + method + "\"");
        assertTrue(at >= 0, method + " in " + json);
        // each method's summary is one object; its keys come before "method"
        int start = json.lastIndexOf('{', at);
        Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json.substring(start, at));
        assertTrue(m.find(), key + " of " + method + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void rescaleFreezeAndPruneRunInListOrderEndToEnd() throws Exception {
        String data = TestData.mnistDir().toString();
        Path out = tmp.resolve("composed");
        LanesCliTest.Run t = LanesCliTest.lanes("train", "--data", data, "--limit", "360", "--epochs", "3", "--batch", "30", "--threads", "2",
                "--method", "rescale", "--method", "freeze", "--method", "prune", "--out", out.toString(), "--json");
        assertEquals(0, t.status(), t.err());
        String json = t.out().strip();
        assertEquals(1, json.lines().count(), json);
        assertTrue(json.indexOf("\"method\": \"rescale\"") < json.indexOf("\"method\": \"freeze\"")
                && json.indexOf("\"method\": \"freeze\"") < json.indexOf("\"method\": \"prune\""), "list order: " + json);
        double switched = after(json, "rescale", "switched_after"), pruned = after(json, "prune", "pruned_after");
        assertTrue(switched >= 1 && switched <= 3, json);
        assertTrue(pruned >= Math.max(2, switched), "prune acts before the last epoch, or right after a later switch: " + json);
        assertTrue(after(json, "prune", "filters_after") <= after(json, "prune", "filters_before"), json);
        assertTrue(after(json, "prune", "filters_before") > 0, "the analysis ran on the trained model: " + json);
        assertEquals(after(json, "prune", "parameters_after"), number(json, "params"), 0.0, "the run reports the pruned model: " + json);
        // the saved model is the trained (and pruned) one: eval reproduces the run's test accuracy
        LanesCliTest.Run e = LanesCliTest.lanes("eval", out.resolve("model.lanes").toString(), "--data", data, "--json");
        assertEquals(0, e.status(), e.err());
        assertEquals(number(json, "test_accuracy"), number(e.out(), "test_accuracy"), 0.0);
        assertTrue(Files.exists(out.resolve("checkpoints/epoch-0003.lanes")));
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }
}
