package dev.lanes.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.GlobalAvgPool;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.optim.Sgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * testdata/legacy/legacy-v0.lanes was written before BatchNorm took PyTorch's names (see the README there):
 * and before Residual replaced BasicBlock: it still loads into today's model, with the outputs it was saved with, and its optimizer state still binds.
 */
class LegacyFileTest {
    private static Path legacy() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("testdata/legacy/legacy-v0.lanes");
            if (Files.exists(p)) return p;
        }
        throw new IllegalStateException("testdata/legacy/legacy-v0.lanes not found above " + Path.of("").toAbsolutePath());
    }

    /** The net MakeLegacyFile.java built, with today's layers. */
    private static Sequential model() {
        return new Sequential()
                .add("conv1", new Conv2d(1, 4, 3, 1, 1, false)).add("bn1", new BatchNorm2d(4)).add("relu", new ReLU())
                .add("layer1", new Sequential(Residual.basicBlock(4, 4, 1), Residual.basicBlock(4, 8, 2)))
                .add("pool", new GlobalAvgPool()).add("fc", new Linear(8, 3));
    }

    @Test
    void aFileWithTheOldNamesLoadsAndComputesWhatItWasSavedWith() throws IOException {
        SavedModel saved = ModelFile.read(legacy());
        assertTrue(saved.contents().parameters().containsKey("bn1.gamma"), "the file must have the old names: " + saved.contents().parameters().keySet());
        Module m = model();
        saved.loadInto(m);
        m.eval();
        Tensor x = saved.contents().tensors().get("input"), expected = saved.contents().tensors().get("output");
        float[] y = m.forward(x).toArray();
        if (Kernels.active().name().equals(saved.metadata().get("kernels"))) {
            assertArrayEquals(expected.toArray(), y, "same kernels as when saved, so the same bits");
        } else {
            assertArrayEquals(expected.toArray(), y, 1e-5f, "saved with " + saved.metadata().get("kernels"));
        }
        // running statistics arrived under their new names (not the fresh 0 / 1)
        assertTrue(((BatchNorm2d) m.namedModules().get("bn1")).runningVar().get(0) != 1f);
    }

    @Test
    void itsOptimizerStateBindsToTheNewPaths() throws IOException {
        Module m = model();
        Sgd sgd = new Sgd(m.namedParameters(), 0.1f, 0.9f, 0f, false);
        ModelFile.read(legacy()).loadInto(m, sgd);
        for (String path : m.namedParameters().keySet()) assertTrue(sgd.hasState(path), path);
        assertEquals(m.namedParameters().size(), sgd.state().keySet().stream().filter(k -> k.startsWith("momentum.")).count(),
                sgd.state().keySet().toString());
    }
}
