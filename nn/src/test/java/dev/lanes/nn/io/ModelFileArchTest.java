package dev.lanes.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.ChannelFlow;
import dev.lanes.nn.arch.RandomSpecs;
import dev.lanes.nn.arch.SpecJson;
import dev.lanes.nn.param.TernaryConstraint;
import dev.lanes.nn.surgery.ChannelPruning;
import dev.lanes.nn.surgery.Surgery;
import dev.lanes.nn.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file carries its architecture, so edited models come back without knowing how they were made. */
class ModelFileArchTest {
    @TempDir Path dir;

    @Test
    void prunedFoldedAndTernaryModelsRebuildFromTheFileAlone() throws Exception {
        int[] in = {2, 1, 28, 28};
        Module model = Zoo.create("resnet8", 1, 28, 28, 10, 3).eval();
        ChannelFlow flow = ChannelFlow.of(model.spec(), in);
        ChannelFlow.Group g = flow.groupOf("layer1.0.main.conv1.weight", 0).orElseThrow();
        Module edited = Surgery.foldBatchNorms(ChannelPruning.prune(model, in, Map.of(g.index(), ChannelPruning.allExcept(g.channels(), 0, 3))));
        edited.namedParameters().get("fc.weight").constrain(TernaryConstraint.perChannel());
        Path file = dir.resolve("edited.lanes");
        ModelFile.save(file, edited);
        SavedModel saved = ModelFile.read(file);
        assertEquals(SpecJson.toJson(edited.spec()), saved.arch().orElseThrow());
        Module back = saved.build().eval();
        assertEquals(edited.spec(), back.spec());
        assertTrue(back.namedParameters().get("fc.weight").isPacked());
        Tensor x = input(in);
        assertArrayEquals(edited.forward(x).toArray(), back.forward(x).toArray());
    }

    @Test
    void aBuiltModuleRoundTripsThroughItsJson() {
        for (long seed = 0; seed < 50; seed++) {
            RandomSpecs.Net net = RandomSpecs.build(seed);
            Module m = Arch.build(net.spec(), seed);
            Module again = Arch.build(SpecJson.fromJson(SpecJson.toJson(m.spec())), seed + 1);
            assertEquals(m.spec(), again.spec());
            assertEquals(m.namedParameters().keySet(), again.namedParameters().keySet());
            m.namedParameters().forEach((k, p) -> assertArrayEquals(p.shape(), again.namedParameters().get(k).shape(), k));
            assertEquals(m.namedBuffers().keySet(), again.namedBuffers().keySet());
        }
    }

    @Test
    void aFileWithoutAnArchitectureSaysHowToRebuildIt() throws Exception {
        Path file = dir.resolve("tiny.lanes");
        ModelFile.save(file, new TinyNet(3, 4, 2, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(file).build());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("zoo"), e.getMessage());
        assertTrue(Files.size(file) > 0);
    }

    private static Tensor input(int[] shape) {
        SplittableRandom r = new SplittableRandom(9);
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextGaussian();
        return x;
    }
}
