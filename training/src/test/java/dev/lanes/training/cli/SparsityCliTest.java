package dev.lanes.training.cli;

import static dev.lanes.training.cli.LanesCliTest.lanes;
import static dev.lanes.training.cli.LanesCliTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.init.Init;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SparsityCliTest {
    @TempDir Path tmp;

    /** A cnn-8-16 for MNIST whose bn1 channels 2 and 5 and bn2 channel 3 are dead (γ 0, β −1), saved as lanes train would. */
    private Path plantedModel() throws Exception {
        Sequential m = Zoo.create("cnn-8-16", 1, 28, 28, 10, 3);
        for (String[] bc : new String[][] {{"bn1", "2"}, {"bn1", "5"}, {"bn2", "3"}}) {
            BatchNorm2d b = (BatchNorm2d) m.get(bc[0]);
            int c = Integer.parseInt(bc[1]);
            b.weight().value().data()[c] = 0;
            b.bias().value().data()[c] = -1;
        }
        ModelSpec spec = new ModelSpec("cnn-8-16", 1, 28, 28, 10, new float[] {0.13f}, new float[] {0.31f}, TestData.mnistDir().toString());
        Path f = tmp.resolve("planted.lanes");
        ModelFile.save(f, m, Map.of(), spec.toMetadata());
        return f;
    }

    @Test
    void inspectSparsityFindsThePlantedFilters() throws Exception {
        Path f = plantedModel();
        LanesCliTest.Run j = lanes("inspect", f.toString(), "--sparsity", "--limit", "300", "--json");
        assertEquals(0, j.status(), j.err());
        String json = j.out().strip();
        assertEquals(1, json.lines().count());
        assertTrue(json.contains("\"name\": \"conv1\"") && json.contains("\"dead_activation_channels\": [2, 5]"), json);
        assertTrue(json.contains("\"dead_gamma_channels\": [3]"), json);
        assertEquals(300, number(json, "samples"), 0.0);
        assertEquals(3, number(json.substring(json.indexOf("\"total\"")), "dead"), 0.0);
        LanesCliTest.Run t = lanes("inspect", f.toString(), "--sparsity", "--limit", "100");
        assertEquals(0, t.status(), t.err());
        assertTrue(t.out().contains("conv2") && t.out().contains("2 (25.0%)") && t.out().contains("removable group"), t.out());
    }

    @Test
    void pruneWritesASmallerModelThatEvalInspectAndBenchLoad() throws Exception {
        Path f = plantedModel(), out = tmp.resolve("sub").resolve("pruned.lanes");
        LanesCliTest.Run p = lanes("prune", f.toString(), "--out", out.toString(), "--limit", "300", "--test-limit", "200", "--rounds", "2",
                "--threads", "1", "--json");
        assertEquals(0, p.status(), p.err());
        String json = p.out().strip();
        assertEquals(24, number(json, "filters_before"), 0.0);
        assertEquals(21, number(json, "filters_after"), 0.0);
        assertEquals(1.0, number(json, "prediction_agreement"), 0.0);
        assertTrue(number(json, "max_abs_diff") <= 1e-4, json);
        assertTrue(number(json, "flops_after") < number(json, "flops_before"), json);
        assertTrue(number(json, "inference_speedup") > 0, json);
        assertTrue(Files.exists(out));
        LanesCliTest.Run e0 = lanes("eval", f.toString(), "--json"), e1 = lanes("eval", out.toString(), "--json");
        assertEquals(0, e1.status(), e1.err());
        assertEquals(number(e0.out(), "test_accuracy"), number(e1.out(), "test_accuracy"), 1e-4, "at most one image of 10 000 may flip");
        LanesCliTest.Run i = lanes("inspect", out.toString());
        assertEquals(0, i.status(), i.err());
        assertTrue(i.out().contains("Conv2d") || i.out().contains("conv1"), i.out());
        LanesCliTest.Run b = lanes("bench", "infer", out.toString(), "--batch", "8", "--rounds", "2", "--threads", "1", "--json");
        assertEquals(0, b.status(), b.err());
        assertTrue(number(b.out(), "images_per_second") > 0, b.out());
        LanesCliTest.Run text = lanes("prune", f.toString(), "--out", tmp.resolve("p2.lanes").toString(), "--limit", "100", "--test-limit", "50",
                "--rounds", "1", "--threads", "1");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("3 of 24 filters removed") && text.out().contains("predictions agree 100.00%"), text.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"prune", "prune m.lanes", "prune m.lanes --out", "prune m.lanes --out x --rounds 0", "bench infer", "inspect m --limit 3"})
    void badPruneLinesExitWithTwo(String line) {
        LanesCliTest.Run r = lanes(line.split(" "));
        assertTrue(r.status() == 2 || line.startsWith("inspect") && r.status() == 1, line + " -> " + r.status() + " " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"prune --help", "bench infer --help"})
    void help(String line) {
        LanesCliTest.Run r = lanes(line.split(" "));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Usage: lanes"), r.out());
    }
}
