package dev.lanes.training.cli;

import static dev.lanes.training.cli.LanesCliTest.lanes;
import static dev.lanes.training.cli.LanesCliTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.io.ModelFile;
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

class LowRankCliTest {
    @TempDir Path tmp;

    private Path model() throws Exception {
        Sequential m = Zoo.create("cnn-8-16", 1, 28, 28, 10, 3);
        ModelSpec spec = new ModelSpec("cnn-8-16", 1, 28, 28, 10, new float[] {0.13f}, new float[] {0.31f}, TestData.mnistDir().toString());
        Path f = tmp.resolve("m.lanes");
        ModelFile.save(f, m, Map.of(), spec.toMetadata());
        return f;
    }

    /** Half the FLOPs by budget; the written model loads in eval, inspect and bench infer; energy 1 keeps every output. */
    @Test
    void lowRankWritesAModelThatEvalInspectAndBenchLoad() throws Exception {
        Path f = model(), out = tmp.resolve("sub").resolve("lr.lanes");
        LanesCliTest.Run p = lanes("compress", "lowrank", f.toString(), "--out", out.toString(), "--flops-ratio", "0.5",
                "--threads", "1", "--json");
        assertEquals(0, p.status(), p.err());
        String json = p.out().strip();
        assertTrue(number(json, "flops_after") <= 0.5 * number(json, "flops_before"), json);
        assertTrue(json.contains("\"factorised\": true"), json);
        assertTrue(Files.exists(out));
        LanesCliTest.Run e = lanes("eval", out.toString(), "--json");
        assertEquals(0, e.status(), e.err());
        assertEquals(number(json, "accuracy_after"), number(e.out(), "test_accuracy"), 1e-9, e.out());
        LanesCliTest.Run i = lanes("inspect", out.toString());
        assertEquals(0, i.status(), i.err());
        LanesCliTest.Run b = lanes("bench", "infer", out.toString(), "--batch", "8", "--rounds", "2", "--threads", "1", "--json");
        assertEquals(0, b.status(), b.err());
        assertTrue(number(b.out(), "images_per_second") > 0, b.out());
        LanesCliTest.Run text = lanes("compress", "lowrank", f.toString(), "--out", tmp.resolve("e.lanes").toString(), "--energy", "0.6",
                "--test-limit", "50", "--threads", "1");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("layers factorised (energy 0.6)") && text.out().contains("accuracy"), text.out());
    }

    /** --fine-tune-epochs trains the factorised model before it is written: eval of the file gives the reported accuracy. */
    @Test
    void fineTuningTrainsTheFactorisedModelBeforeSaving() throws Exception {
        Path f = model(), out = tmp.resolve("ft.lanes");
        LanesCliTest.Run p = lanes("compress", "lowrank", f.toString(), "--out", out.toString(), "--flops-ratio", "0.5",
                "--fine-tune-epochs", "2", "--limit", "3000", "--batch", "32", "--lr", "3e-3", "--threads", "1", "--json");
        assertEquals(0, p.status(), p.err());
        String json = p.out().strip();
        assertEquals(2, number(json, "fine_tune_epochs"));
        // the model is untrained: fine-tuning is all the learning it gets
        assertTrue(number(json, "accuracy_after") > number(json, "accuracy_factorised") + 0.1, json);
        LanesCliTest.Run e = lanes("eval", out.toString(), "--json");
        assertEquals(0, e.status(), e.err());
        assertEquals(number(json, "accuracy_after"), number(e.out(), "test_accuracy"), 1e-9, e.out());
        assertTrue(p.err().contains("epoch 2"), "progress on stderr: " + p.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"compress", "compress prune m.lanes", "compress lowrank", "compress lowrank m.lanes",
            "compress lowrank m.lanes --out x --energy 0", "compress lowrank m.lanes --out x --energy 1.5",
            "compress lowrank m.lanes --out x --energy 0.5 --flops-ratio 0.5", "compress lowrank m.lanes --out x --lr 0.001",
            "compress lowrank m.lanes --out x --fine-tune-epochs -1"})
    void badLinesExitWithTwo(String line) {
        LanesCliTest.Run r = lanes(line.split(" "));
        assertEquals(2, r.status(), line + " -> " + r.status() + " " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"compress --help", "compress lowrank --help"})
    void help(String line) {
        LanesCliTest.Run r = lanes(line.split(" "));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Usage: lanes"), r.out());
    }
}
