package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.zoo.Zoo;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Paths of modules, editing and splitting a Sequential, and the exact training FLOPs. */
class ModuleTreeTest {
    @Test
    void namedModulesGivesEveryModuleByDottedPathRootFirst() {
        Sequential r8 = Zoo.create("resnet8", 3, 10, 1);
        Map<String, Module> all = r8.namedModules();
        assertSame(r8, all.get(""));
        assertEquals(List.of("", "conv1", "bn1", "relu", "layer1", "layer1.0", "layer1.0.main", "layer1.0.main.conv1"),
                all.keySet().stream().limit(8).toList());
        assertSame(((Residual) ((Sequential) r8.get("layer2")).get(0)).shortcut(), all.get("layer2.0.shortcut"));
        assertEquals(Conv2d.class, all.get("layer2.0.shortcut.conv").getClass());
        assertEquals(ReLU.class, all.get("layer3.0.relu").getClass());
        // a parameter's path is its module's path and its name
        for (String p : r8.namedParameters().keySet()) {
            int dot = p.lastIndexOf('.');
            assertEquals(true, all.containsKey(p.substring(0, dot)), p);
        }
    }

    @Test
    void splitGivesAPrefixAndASuffixOverTheSameModules() {
        Sequential m = Zoo.create("small-cnn", 1, 10, 2);
        Sequential[] parts = m.split(4);
        assertEquals(List.of("conv1", "bn1", "relu1", "pool1"), parts[0].childNames());
        assertSame(m.get("conv2"), parts[1].get("conv2"));
        Tensor x = Tensor.zeros(2, 1, 28, 28);
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian();
        m.eval();
        float[] whole = m.forward(x).toArray();
        assertArrayEquals(whole, parts[1].eval().forward(parts[0].eval().forward(x)).toArray());
        assertEquals(m.namedParameters().keySet().stream().filter(k -> !k.startsWith("conv1") && !k.startsWith("bn1")).toList(),
                List.copyOf(parts[1].namedParameters().keySet()));
        assertEquals(0, m.split(0)[0].size());
        assertThrows(IllegalArgumentException.class, () -> m.split(12));
        assertEquals(List.copyOf(m.childNames()), List.copyOf(m.stages().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> m.stages().put("x", new ReLU()));
    }

    @Test
    void setReplacesAChildByNameOrIndexAndKeepsItsName() {
        Sequential m = new Sequential().add("conv", new Conv2d(1, 2, 3)).add("act", new ReLU()).add("pool", new GlobalAvgPool());
        Module old = m.set("act", new Identity());
        assertEquals(ReLU.class, old.getClass());
        assertEquals(Identity.class, m.get(1).getClass());
        m.set(0, new Conv2d(1, 2, 1));
        assertEquals(1, ((Conv2d) m.get("conv")).kernelH());
        assertEquals(List.of("conv.weight", "conv.bias"), List.copyOf(m.namedParameters().keySet()));
        assertThrows(IllegalArgumentException.class, () -> m.set("missing", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> m.set(3, new ReLU()));
        // the skip-the-frozen-prefix logic sees the new child: freezing it means nothing trains, so nothing runs backward
        m.get(0).setTrainable(false);
        m.forward(Tensor.zeros(1, 1, 4, 4));
        assertNull(m.backward(Tensor.zeros(1, 2), false));
        // a nested set() is seen too
        Sequential outer = new Sequential().add("inner", m).add("fc", new Linear(2, 2));
        outer.get("fc").setTrainable(false);
        outer.forward(Tensor.zeros(1, 1, 4, 4));
        outer.backward(Tensor.full(1f, 1, 2), false);
        m.set("conv", new Conv2d(1, 2, 1)); // trainable
        outer.forward(Tensor.zeros(1, 1, 4, 4));
        outer.backward(Tensor.full(1f, 1, 2), false);
        assertEquals(true, ((Conv2d) m.get("conv")).bias().grad().maxAbsDiff(Tensor.zeros(2)) > 0f);
    }

    @Test
    void convTrainingFlopsCountEachDirectionOnlyWhereItRuns() {
        Conv2d conv = new Conv2d(3, 8, 3, 5, 2, 1, 1, 2, true);
        int[] in = {2, 3, 9, 10};
        int[] out = conv.outputShape(in); // [2, 8, 5, 10]
        long macs2 = 2L * 2 * 8 * out[2] * out[3] * 3 * 3 * 5, outputs = 2L * 8 * out[2] * out[3];
        assertEquals(new Flops(macs2 + outputs, macs2, macs2 + outputs), conv.trainingFlops(in, true));
        assertEquals(new Flops(macs2 + outputs, 0, macs2 + outputs), conv.trainingFlops(in, false));
        conv.weight().setTrainable(false);
        assertEquals(new Flops(macs2 + outputs, 0, outputs), conv.trainingFlops(in, false));
        conv.setTrainable(false);
        assertEquals(new Flops(macs2 + outputs, macs2, 0), conv.trainingFlops(in, true));
    }

    @Test
    void aNetworksTrainingFlopsSkipTheFirstLayersDx() {
        Sequential m = Zoo.create("lenet5", 1, 10, 3);
        int[] in = {4, 1, 28, 28};
        Conv2d conv1 = (Conv2d) m.get("conv1");
        Flops whole = m.trainingFlops(in, false), withDx = m.trainingFlops(in, true);
        assertEquals(m.flops(in), whole.forward());
        assertEquals(conv1.trainingFlops(in, true).backwardData(), withDx.backwardData() - whole.backwardData());
        assertEquals(withDx.backwardWeights(), whole.backwardWeights());
        // a frozen prefix does no backward work at all
        m.get("conv1").setTrainable(false);
        m.get("bn1").setTrainable(false);
        Flops frozen = m.trainingFlops(in, false);
        int[] afterBn = m.split(2)[0].outputShape(in);
        assertEquals(whole.backwardWeights() - conv1.flops(in) - m.get("bn1").flops(afterBn), frozen.backwardWeights());
        // nor dx for the first trained layer (conv2) or anything before it: bn1, relu1, pool1 and conv2's dx are gone
        int[] afterPool = m.split(4)[0].outputShape(in);
        long gone = m.get("bn1").flops(afterBn) + m.get("relu1").flops(afterBn) + m.get("pool1").flops(afterBn)
                + m.get("conv2").trainingFlops(afterPool, true).backwardData();
        assertEquals(whole.backwardData() - gone, frozen.backwardData());
    }
}
