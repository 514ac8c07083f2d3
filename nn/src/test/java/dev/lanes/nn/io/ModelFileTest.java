package dev.lanes.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir Path dir;

    @Test
    void roundTripReproducesOutputsBitForBit() throws IOException {
        TinyNet a = new TinyNet(6, 5, 3, 1), b = new TinyNet(6, 5, 3, 2);
        Tensor x = new TinyNet(1, 4, 6, 3).namedParameters().get("second.weight").value().reshape(4, 6);
        Path file = dir.resolve("tiny.lanes");
        ModelFile.save(file, a, Map.of("extra", Tensor.full(2f, 2)), Map.of("model", "tiny"));
        TensorFile.Contents c = ModelFile.load(file, b);
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
        assertEquals("tiny", c.metadata().get("model"));
        assertEquals(java.util.List.of("first.weight", "first.bias", "second.weight", "second.bias"),
                java.util.List.copyOf(c.parameters().keySet()));
        assertEquals(java.util.List.of("first.scale", "second.scale"), java.util.List.copyOf(c.buffers().keySet()));
    }

    @Test
    void zooResNetWithBatchNormStatisticsRoundTripsBitForBit() throws IOException {
        Module a = Zoo.resnet8(3, 10, 1), b = Zoo.resnet8(3, 10, 2);
        Tensor x = Tensor.zeros(2, 3, 8, 8);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) Math.sin(i * 0.37);
        a.train().forward(x); // moves the running statistics away from their initial values
        Path file = dir.resolve("resnet8.lanes");
        ModelFile.save(file, a);
        ModelFile.load(file, b);
        assertArrayEquals(a.eval().forward(x).toArray(), b.eval().forward(x).toArray());
    }

    @Test
    void mismatchedShapeNamesEntryAndBothShapes() throws IOException {
        Path file = dir.resolve("m.lanes");
        ModelFile.save(file, new TinyNet(6, 5, 3, 1));
        TinyNet other = new TinyNet(6, 5, 4, 1);
        float[] before = other.namedParameters().get("first.weight").value().toArray();
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFile.load(file, other));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("\"second.weight\"")
                && e.getMessage().contains("[4, 5] in the model") && e.getMessage().contains("[3, 5] in the file"), e.getMessage());
        assertArrayEquals(before, other.namedParameters().get("first.weight").value().toArray(), "nothing loaded");
    }

    @Test
    void missingOrExtraEntriesAreRefused() throws IOException {
        Path file = dir.resolve("m.lanes");
        TinyNet net = new TinyNet(2, 2, 2, 1);
        TensorFile.write(file, new TensorFile.Contents(Map.of("first.weight", Tensor.zeros(2, 2)), Map.of(), Map.of(), Map.of()));
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFile.load(file, net));
        assertTrue(e.getMessage().contains("parameter \"first.bias\" is not in the file"), e.getMessage());
        ModelFile.save(file, net);
        TensorFile.Contents c = TensorFile.read(file);
        Map<String, Tensor> buffers = new java.util.LinkedHashMap<>(c.buffers());
        buffers.put("third.scale", Tensor.zeros(1));
        TensorFile.write(file, new TensorFile.Contents(c.parameters(), buffers, Map.of(), Map.of()));
        e = assertThrows(IllegalArgumentException.class, () -> ModelFile.load(file, net));
        assertTrue(e.getMessage().contains("buffer \"third.scale\" is not in the model"), e.getMessage());
    }

    @Test
    void checkpointResumesTrainingBitForBit() throws IOException {
        TinyNet a = new TinyNet(3, 4, 2, 5), b = new TinyNet(3, 4, 2, 6);
        Optimizer oa = new Adam(a.parameters(), 0.01f), ob = new Adam(b.parameters(), 0.01f);
        a.namedParameters().get("first.bias").setTrainable(false);
        b.namedParameters().get("first.bias").setTrainable(false);
        for (int i = 0; i < 3; i++) oa.step();
        Path file = dir.resolve("ckpt.lanes");
        ModelFile.saveCheckpoint(file, a, oa, Map.of("epoch", "3"));
        assertEquals(Map.of("epoch", "3"), ModelFile.loadCheckpoint(file, b, ob));
        assertEquals(3, ob.stepCount());
        for (int i = 0; i < 2; i++) {
            copyGrads(a, b);
            oa.step();
            ob.step();
        }
        for (Map.Entry<String, Parameter> e : a.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value().toArray(), b.namedParameters().get(e.getKey()).value().toArray(), e.getKey());
        }
    }

    private static void copyGrads(TinyNet from, TinyNet to) {
        for (Map.Entry<String, Parameter> e : from.namedParameters().entrySet()) {
            to.namedParameters().get(e.getKey()).grad().copyFrom(e.getValue().grad());
        }
    }
}
