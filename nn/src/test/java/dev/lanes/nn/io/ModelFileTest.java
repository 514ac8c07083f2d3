package dev.lanes.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.param.TernaryConstraint;
import dev.lanes.nn.param.TernaryStorage;
import java.nio.file.Files;
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

    @Test
    void aTernaryModelIsSavedPackedAndLoadsPackedWithIdenticalOutputs() throws IOException {
        TinyNet a = new TinyNet(6, 5, 3, 1), dense = new TinyNet(6, 5, 3, 2), packed = new TinyNet(6, 5, 3, 3);
        a.namedParameters().get("first.weight").constrain(TernaryConstraint.perChannel());
        a.namedParameters().get("second.weight").constrain(TernaryConstraint.perTensor());
        packed.namedParameters().get("first.weight").constrain(TernaryConstraint.perChannel());
        packed.namedParameters().get("second.weight").constrain(TernaryConstraint.perTensor());
        TernaryStorage kept = packed.namedParameters().get("first.weight").ternary();
        Path file = dir.resolve("ternary.lanes");
        ModelFile.save(file, a);
        assertEquals(java.util.Set.of("first.weight", "second.weight"), TensorFile.read(file).packed().keySet());
        ModelFile.load(file, dense);
        ModelFile.load(file, packed);
        Tensor x = new TinyNet(1, 4, 6, 9).namedParameters().get("second.weight").value().reshape(4, 6);
        for (TinyNet b : java.util.List.of(dense, packed)) {
            for (String name : java.util.List.of("first.weight", "second.weight")) {
                Parameter pa = a.namedParameters().get(name), pb = b.namedParameters().get(name);
                assertTrue(pb.isPacked(), name + " stays packed");
                assertArrayEquals(pa.ternary().words(), pb.ternary().words(), name);
                assertArrayEquals(pa.ternary().scales(), pb.ternary().scales(), name);
            }
            assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
        }
        assertSame(kept, packed.namedParameters().get("first.weight").ternary(), "a packed parameter keeps its storage object");
    }

    @Test
    void packedInTheModelButDenseOrOtherwisePackedInTheFileIsRefused() throws IOException {
        Path file = dir.resolve("dense.lanes");
        ModelFile.save(file, new TinyNet(6, 5, 3, 1));
        TinyNet packed = new TinyNet(6, 5, 3, 2);
        packed.namedParameters().get("first.weight").constrain(TernaryConstraint.perChannel());
        float[] before = packed.namedParameters().get("second.weight").value().toArray();
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFile.load(file, packed));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("\"first.weight\" is packed ternary (per channel) in the model but dense float in the file"),
                e.getMessage());
        assertArrayEquals(before, packed.namedParameters().get("second.weight").value().toArray(), "nothing loaded");
        TinyNet perTensor = new TinyNet(6, 5, 3, 3);
        perTensor.namedParameters().get("first.weight").constrain(TernaryConstraint.perTensor());
        ModelFile.save(file, perTensor);
        e = assertThrows(IllegalArgumentException.class, () -> ModelFile.load(file, packed));
        assertTrue(e.getMessage().contains("is ternary per channel in the model but per tensor in the file"), e.getMessage());
    }

    @Test
    void packedParameterPayloadIsAtLeast16TimesSmallerThanFloat32() throws IOException {
        TinyNet net = new TinyNet(1024, 256, 2, 4); // first.weight [256, 1024]: 262,144 weights
        Path fp32 = dir.resolve("fp32.lanes"), ternary = dir.resolve("ternary.lanes");
        ModelFile.save(fp32, net);
        for (boolean perChannel : new boolean[] {true, false}) {
            TinyNet t = new TinyNet(1024, 256, 2, 4);
            for (String name : java.util.List.of("first.weight", "second.weight")) {
                t.namedParameters().get(name).constrain(perChannel ? TernaryConstraint.perChannel() : TernaryConstraint.perTensor());
            }
            ModelFile.save(ternary, t);
            long dense = ModelFile.read(fp32).parameterBytes(), packed = ModelFile.read(ternary).parameterBytes();
            assertEquals(4L * (262_144 + 256 + 512 + 2), dense);
            // per channel: 256 + 2 scales, ceil(262144 / 20) + ceil(512 / 20) words, both biases (258 floats) dense
            long expected = 4L * ((perChannel ? 256 + 2 : 1 + 1) + 13_108 + 26 + 258);
            assertEquals(expected, packed);
            assertTrue(dense >= 16 * packed, dense + " vs " + packed + " bytes");
            assertTrue(Files.size(fp32) >= 16 * Files.size(ternary), Files.size(fp32) + " vs " + Files.size(ternary) + " bytes on disk");
        }
    }

    @Test
    void nonFiniteParameterOrBufferValuesAreRefusedNamingTheFileAndEntry() throws IOException {
        TinyNet net = new TinyNet(3, 2, 2, 1);
        Path file = dir.resolve("nan.lanes");
        net.namedParameters().get("second.bias").value().data()[1] = Float.NaN;
        ModelFile.save(file, net);
        TensorFile.read(file); // the container itself holds any bits
        var e = assertThrows(CorruptFileException.class, () -> ModelFile.load(file, new TinyNet(3, 2, 2, 2)));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("\"second.bias\" holds NaN at element 1")
                && e.getMessage().contains("unusable"), e.getMessage());
        assertThrows(CorruptFileException.class, () -> ModelFile.read(file));
        TinyNet inf = new TinyNet(3, 2, 2, 1);
        inf.namedBuffers().get("first.scale").data()[0] = Float.NEGATIVE_INFINITY;
        ModelFile.save(file, inf);
        e = assertThrows(CorruptFileException.class, () -> ModelFile.load(file, new TinyNet(3, 2, 2, 2)));
        assertTrue(e.getMessage().contains("\"first.scale\" holds -Infinity at element 0"), e.getMessage());
    }

    @Test
    void theArchitectureTextIsSavedAndReadBack() throws IOException {
        TinyNet net = new TinyNet(3, 2, 2, 1);
        Path file = dir.resolve("arch.lanes");
        String arch = "{\"kind\":\"sequence\",\"children\":[]}";
        ModelFile.save(file, net, arch);
        SavedModel saved = ModelFile.read(file);
        assertEquals(java.util.Optional.of(arch), saved.arch());
        saved.loadInto(new TinyNet(3, 2, 2, 5));
        ModelFile.saveCheckpoint(file, net, new Adam(net.namedParameters(), 0.1f), Map.of(ModelFile.ARCH, arch, "epoch", "2"));
        assertEquals(java.util.Optional.of(arch), ModelFile.read(file).arch());
        ModelFile.save(file, net);
        assertEquals(java.util.Optional.empty(), ModelFile.read(file).arch());
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFile.save(file, net, " "));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("\"arch\""), e.getMessage());
        TensorFile.write(file, new TensorFile.Contents(Map.of(), Map.of(), Map.of(), Map.of(ModelFile.ARCH, "")));
        e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("is empty"), e.getMessage());
    }

    @Test
    void aCheckpointWithIndexKeyedStateLoadsIntoAnOptimizerOverPaths() throws IOException {
        TinyNet a = new TinyNet(3, 4, 2, 5), b = new TinyNet(3, 4, 2, 6);
        Optimizer byIndex = new Adam(a.parameters(), 0.01f); // keys "m.0", ...: what checkpoints held before paths
        for (int i = 0; i < 3; i++) byIndex.step();
        Path file = dir.resolve("old.lanes");
        ModelFile.saveCheckpoint(file, a, byIndex, Map.of());
        assertTrue(TensorFile.read(file).tensors().containsKey("optimizer.m.0"));
        Optimizer byPath = new Adam(b.namedParameters(), 0.01f);
        ModelFile.loadCheckpoint(file, b, byPath);
        assertTrue(byPath.hasState("second.bias"));
        copyGrads(a, b);
        byIndex.step();
        byPath.step();
        for (Map.Entry<String, Parameter> e : a.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value().toArray(), b.namedParameters().get(e.getKey()).value().toArray(), e.getKey());
        }
    }

    /**
     * adam-index-keyed.lanes was written by the foundation build (commit 452be88), whose optimizer state was
     * keyed by index ("m.0"): TinyNet(3, 4, 2, seed 5), Adam(lr 0.01, wd 0.01) over parameters(), first.bias
     * frozen, three steps on {@link #oldGrads}; adam-index-keyed-after.lanes holds the values after a fourth.
     */
    @Test
    void aCheckpointOfTheFoundationBuildResumesIntoAnOptimizerOverPaths() throws Exception {
        Path old = Path.of(ModelFileTest.class.getResource("adam-index-keyed.lanes").toURI());
        assertTrue(TensorFile.read(old).tensors().containsKey("optimizer.m.0"), "state keyed by index");
        TinyNet net = new TinyNet(3, 4, 2, 6);
        Optimizer opt = new Adam(net.namedParameters(), 0.01f, 0.9f, 0.999f, 1e-8f, 0.01f);
        net.namedParameters().get("first.bias").setTrainable(false);
        assertEquals(Map.of("epoch", "3"), ModelFile.loadCheckpoint(old, net, opt));
        assertEquals(3, opt.stepCount());
        assertTrue(opt.hasState("second.weight") && !opt.hasState("first.bias"));
        oldGrads(net, 4);
        opt.step();
        TensorFile.Contents after = TensorFile.read(Path.of(ModelFileTest.class.getResource("adam-index-keyed-after.lanes").toURI()));
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            assertArrayEquals(after.tensor("after." + e.getKey()).toArray(), e.getValue().value().toArray(), e.getKey());
        }
    }

    /** The gradients the foundation build's checkpoint was trained on: sin(0.37 k + step) over all parameters in order. */
    private static void oldGrads(TinyNet net, int step) {
        int k = 0;
        for (Parameter p : net.parameters()) {
            for (int i = 0; i < p.size(); i++, k++) p.grad().data()[i] = (float) Math.sin(0.37 * k + step);
        }
    }

    private static void copyGrads(TinyNet from, TinyNet to) {
        for (Map.Entry<String, Parameter> e : from.namedParameters().entrySet()) {
            to.namedParameters().get(e.getKey()).grad().copyFrom(e.getValue().grad());
        }
    }
}
