package dev.lanes.nn.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.SpecJson;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.layers.Sequential;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooTest {
    @TempDir Path tmp;

    private static Tensor random(long seed, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) rng.nextGaussian();
        return t;
    }

    @Test
    void everyNamedModelBuildsAndRunsForwardAndBackward() {
        for (String name : Zoo.names()) {
            Sequential m = Zoo.create(name, 1, 10, 1);
            Tensor y = m.forward(random(2, 2, 1, 28, 28));
            assertArrayEquals(new int[]{2, 10}, y.shape(), name);
            assertArrayEquals(new int[]{2, 10}, m.outputShape(new int[]{2, 1, 28, 28}), name);
            assertTrue(m.flops(new int[]{2, 1, 28, 28}) > 0, name);
            assertNull(m.backward(random(3, 2, 10), false), name);
            assertTrue(m.parameters().stream().anyMatch(p -> nonZero(p.grad())), name + " got gradients");
        }
    }

    private static boolean nonZero(Tensor t) {
        for (float v : t.toArray()) if (v != 0f) return true;
        return false;
    }

    @Test
    void smallCnnIsExactlyTheSpecifiedNet() {
        Sequential m = Zoo.create("small-cnn", 1, 10, 1);
        // conv 1·32·9, BN 2·32, conv 32·64·9, BN 2·64, linear 3136·10 + 10
        assertEquals(288 + 64 + 18432 + 128 + 31370, m.parameterCount());
        assertEquals("[conv1, bn1, relu1, pool1, conv2, bn2, relu2, pool2, avgpool, flatten, fc]", m.childNames().toString());
        assertEquals("Linear(3136→10)", m.get(10).describe());
    }

    @Test
    void lenet5FollowsTheClassicLayout() {
        Sequential m = Zoo.create("lenet5", 1, 10, 1);
        assertEquals("Linear(400→120)", m.get(10).describe());
        assertEquals("Conv2d(1→6, 5x5, stride 1, pad 2, no bias)", m.get(0).describe());
        Sequential cifar = Zoo.create("lenet5", 3, 32, 32, 10, 1);
        assertArrayEquals(new int[]{4, 10}, cifar.forward(random(1, 4, 3, 32, 32)).shape());
    }

    @Test
    void lenetAndSmallCnnAcceptAnyResolutionAboveTheirMinimum() {
        for (String name : new String[]{"lenet5", "small-cnn"}) {
            Sequential m = Zoo.create(name, 1, 5, 3);
            int min = name.equals("lenet5") ? 12 : 4;
            for (int[] hw : new int[][]{{min, min}, {28, 28}, {33, 20}, {64, 64}}) {
                assertArrayEquals(new int[]{2, 5}, m.forward(random(hw[0], 2, 1, hw[0], hw[1])).shape(), name + " at " + hw[0] + "x" + hw[1]);
                assertNull(m.backward(random(1, 2, 5), false));
            }
            assertThrows(IllegalArgumentException.class, () -> m.outputShape(new int[]{1, 1, min - 1, min - 1}), name);
        }
    }

    /** At the resolution they are built for, the adaptive pool is the identity: the nets compute exactly what a plain flatten did. */
    @Test
    void lenetAndSmallCnnAtTheirResolutionEqualTheNetWithoutTheAdaptivePool() {
        for (String name : new String[]{"lenet5", "small-cnn"}) {
            for (int size : new int[]{28, 32}) {
                Sequential m = Zoo.create(name, 3, size, size, 10, 4);
                Sequential plain = new Sequential();
                for (int i = 0; i < m.size(); i++) {
                    if (!m.childNames().get(i).equals("avgpool")) plain.add(m.childNames().get(i), m.get(i)); // the same modules, so the same parameters
                }
                Tensor x = random(size, 3, 3, size, size);
                for (boolean training : new boolean[]{true, false}) {
                    m.setTraining(training);
                    float[] expected = plain.forward(x).toArray();
                    assertArrayEquals(expected, m.forward(x).toArray(), name + " at " + size + (training ? " training" : " eval"));
                }
            }
        }
    }

    @Test
    void resnetHasSixNPlusTwoLayersAndProjectionsWhereShapesChange() {
        Sequential r20 = Zoo.create("resnet20", 3, 10, 1);
        int convs = 0, projections = 0;
        for (String name : r20.namedParameters().keySet()) {
            if (name.endsWith("weight") && r20.namedParameters().get(name).shape().length == 4 && !name.contains("shortcut")) convs++;
            if (name.contains("shortcut.conv.weight")) projections++;
        }
        assertEquals(19, convs); // + the final linear = 20 weighted layers
        assertEquals(2, projections);
        assertTrue(r20.namedParameters().containsKey("layer2.0.shortcut.bn.weight"));
        assertTrue(r20.namedBuffers().containsKey("layer3.2.main.bn2.running_var"));
        assertTrue(r20.parameterCount() > 260_000 && r20.parameterCount() < 280_000, "ResNet-20 is ~0.27M parameters: " + r20.parameterCount());
        assertEquals(3, ((Sequential) Zoo.create("resnet8", 3, 10, 1).get(3)).size() + 2);
        assertTrue(((Sequential) r20.get(4)).get(0) instanceof Residual);
    }

    @Test
    void gapModelsAcceptSeveralResolutions() {
        for (String name : new String[]{"resnet8", "vgg11-w0.125"}) {
            Sequential m = Zoo.create(name, 3, 7, 1);
            for (int size : new int[]{16, 24}) {
                Tensor x = random(size, 2, 3, size, size);
                assertArrayEquals(new int[]{2, 7}, m.forward(x).shape(), name + " at " + size);
                m.backward(random(1, 2, 7), false);
            }
        }
        assertArrayEquals(new int[]{1, 4}, Zoo.create("resnet8", 1, 4, 0).forward(random(0, 1, 1, 5, 7)).shape());
    }

    @Test
    void sameSeedSameModelAndLookupErrors() {
        Module a = Zoo.create("vgg11-w0.125", 3, 10, 5), b = Zoo.create("vgg11-w0.125", 3, 10, 5);
        Tensor x = random(1, 2, 3, 16, 16);
        assertArrayEquals(a.eval().forward(x).toArray(), b.eval().forward(x).toArray());
        assertEquals(Zoo.create("vgg11", 3, 10, 0).parameterCount(), Zoo.vgg11(3, 10, 1.0, 0).parameterCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zoo.create("alexnet", 3, 10, 0));
        assertTrue(e.getMessage().contains("resnet20"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Zoo.create("resnet10", 3, 10, 0));
        assertEquals(6 * 5 + 2, Zoo.create("resnet32", 3, 10, 0).namedParameters().keySet().stream()
                .filter(k -> k.endsWith("conv1.weight") || k.endsWith("conv2.weight") || k.equals("fc.weight")).count());
    }

    @Test
    void depthwiseSeparableBlockIsDepthwiseThenPointwise() {
        Sequential b = DepthwiseSeparable.block(8, 12, 2);
        assertEquals("[depthwise, bn1, relu1, pointwise, bn2, relu2]", b.childNames().toString());
        assertEquals("Conv2d(8→8, 3x3, stride 2, pad 1, groups 8, no bias)", b.get(0).describe());
        assertEquals("Conv2d(8→12, 1x1, stride 1, pad 0, no bias)", b.get(3).describe());
        // depthwise 8·9, BN 2·8, pointwise 8·12, BN 2·12
        assertEquals(72 + 16 + 96 + 24, b.parameterCount());
        assertArrayEquals(new int[]{3, 12, 4, 3}, b.forward(random(1, 3, 8, 7, 5)).shape(), "3x3, pad 1, stride 2: 7x5 -> 4x3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DepthwiseSeparable.block(0, 4, 1));
        assertTrue(e.getMessage().contains("in=0"), e.getMessage());
    }

    @Test
    void gapCnnDsMirrorsGapCnnWithAtLeastThreeTimesFewerParameters() {
        Sequential compact = Zoo.create("gap-cnn-ds", 1, 10, 1), standard = Zoo.create("gap-cnn", 1, 10, 1);
        assertEquals("[conv1, bn1, relu1, pool1, block2, pool2, block3, pool, fc]", compact.childNames().toString());
        assertEquals(standard.get(0).describe(), compact.get(0).describe(), "the first conv stays a normal conv");
        assertEquals("Conv2d(16→16, 3x3, stride 1, pad 1, groups 16, no bias)", ((Sequential) compact.get(4)).get(0).describe());
        assertEquals("Conv2d(32→64, 1x1, stride 1, pad 0, no bias)", ((Sequential) compact.get(6)).get(3).describe());
        // conv1 400 + BN 32, block2 144 + 32 + 512 + 64, block3 288 + 64 + 2048 + 128, fc 650
        assertEquals(432 + 752 + 2528 + 650, compact.parameterCount());
        assertEquals(400 + 32 + 12800 + 64 + 18432 + 128 + 650, standard.parameterCount());
        assertTrue(3 * compact.parameterCount() <= standard.parameterCount(), compact.parameterCount() + " vs " + standard.parameterCount());
        int[] in = {2, 1, 28, 28};
        assertTrue(3 * compact.flops(in) <= standard.flops(in), compact.flops(in) + " vs " + standard.flops(in));
        for (int size : new int[]{4, 28, 33}) {
            assertArrayEquals(new int[]{2, 10}, compact.forward(random(size, 2, 1, size, size)).shape(), "at " + size);
            assertNull(compact.backward(random(1, 2, 10), false));
        }
        Sequential rgb = Zoo.create("gap-cnn-ds", 3, 7, 2);
        assertArrayEquals(new int[]{1, 7}, rgb.forward(random(3, 1, 3, 32, 32)).shape());
        assertEquals(3 * 400 + 32 + 752 + 2528 + 64 * 7 + 7, rgb.parameterCount());
    }

    @Test
    void gapCnnDsWidthMultiplierScalesEveryWidthAndStaysThreeTimesSmallerThanGapCnn() {
        Sequential wide = Zoo.create("gap-cnn-ds-w1.7", 1, 10, 1), standard = Zoo.create("gap-cnn", 1, 10, 1);
        assertEquals("[conv1, bn1, relu1, pool1, block2, pool2, block3, pool, fc]", wide.childNames().toString());
        // widths 16/32/64 x 1.7 rounded: 27/54/109
        assertEquals("Conv2d(1→27, 5x5, stride 1, pad 2, no bias)", wide.get(0).describe());
        assertEquals("Conv2d(27→27, 3x3, stride 1, pad 1, groups 27, no bias)", ((Sequential) wide.get(4)).get(0).describe());
        assertEquals("Conv2d(54→109, 1x1, stride 1, pad 0, no bias)", ((Sequential) wide.get(6)).get(3).describe());
        // conv1 675 + BN 54, block2 243 + 54 + 1458 + 108, block3 486 + 108 + 5886 + 218, fc 1090 + 10
        assertEquals(729 + 1863 + 6698 + 1100, wide.parameterCount());
        assertTrue(3 * wide.parameterCount() <= standard.parameterCount(), wide.parameterCount() + " vs " + standard.parameterCount());
        for (int size : new int[]{4, 28}) {
            assertArrayEquals(new int[]{2, 10}, wide.forward(random(size, 2, 1, size, size)).shape(), "at " + size);
            assertNull(wide.backward(random(1, 2, 10), false));
        }
        assertEquals(Zoo.create("gap-cnn-ds", 1, 10, 3).parameterCount(), Zoo.create("gap-cnn-ds-w1", 1, 10, 3).parameterCount());
        assertEquals(Zoo.gapCnnDs(1, 10, 3).spec(), Zoo.gapCnnDs(1, 10, 1.0, 3).spec());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zoo.create("gap-cnn-ds-wide", 1, 10, 0));
        assertTrue(e.getMessage().contains("gap-cnn-ds-w<width multiplier>"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Zoo.create("gap-cnn-ds-w0", 1, 10, 0));
    }

    @Test
    void gapCnnDsRoundTripsThroughItsSpecJsonAndTheModelFile() throws Exception {
        Sequential m = Zoo.create("gap-cnn-ds", 1, 10, 5);
        m.forward(random(4, 8, 1, 28, 28)); // training mode: BN's running statistics move away from 0 and 1
        m.eval();
        String json = SpecJson.toJson(m.spec());
        String flat = json.replaceAll("\\s", "");
        assertTrue(flat.contains("\"groups\":16") && flat.contains("\"groups\":32"), json);
        assertEquals(m.spec(), SpecJson.fromJson(json));
        Module rebuilt = Arch.build(SpecJson.fromJson(json), 6);
        assertEquals(m.namedParameters().keySet(), rebuilt.namedParameters().keySet());
        m.namedParameters().forEach((k, p) -> assertArrayEquals(p.shape(), rebuilt.namedParameters().get(k).shape(), k));
        assertEquals(m.namedBuffers().keySet(), rebuilt.namedBuffers().keySet());

        Path file = tmp.resolve("gap-cnn-ds.lanes");
        ModelFile.save(file, m);
        Module back = ModelFile.read(file).build().eval();
        assertEquals(m.spec(), back.spec());
        assertArrayEquals(new int[]{32, 1, 3, 3}, back.namedParameters().get("block3.depthwise.weight").shape());
        assertEquals(32, ((Conv2d) ((Sequential) ((Sequential) back).get(6)).get(0)).groups());
        Tensor x = random(9, 3, 1, 28, 28);
        Tensor want = m.forward(x);
        assertTrue(nonZero(want), "a non-trivial output");
        assertArrayEquals(want.toArray(), back.forward(x).toArray(), "identical outputs after the file round trip");
    }
}
