package dev.lanes.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.Sequential;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitTest {
    private static Sequential model() {
        return new Sequential(new Conv2d(3, 16, 3, 1, 1, true), new BatchNorm2d(16), new Conv2d(16, 16, 3), new Linear(64, 10));
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Module a = Init.initialize(model(), 7), b = Init.initialize(model(), 7), c = Init.initialize(model(), 8);
        for (String name : a.namedParameters().keySet()) {
            assertArrayEquals(a.namedParameters().get(name).value().toArray(), b.namedParameters().get(name).value().toArray(), name);
        }
        assertFalse(Arrays.equals(a.parameters().get(0).value().toArray(), c.parameters().get(0).value().toArray()));
        // two layers of the same shape get different draws
        assertFalse(Arrays.equals(a.namedParameters().get("2.weight").value().toArray(), a.namedParameters().get("0.weight").value().toArray()));
    }

    @Test
    void layerDefaults() {
        Sequential m = Init.initialize(model(), 3);
        Parameter convW = m.namedParameters().get("2.weight");
        assertEquals(Math.sqrt(2.0 / (16 * 9)), std(convW.value()), 0.1 * Math.sqrt(2.0 / (16 * 9)));
        assertEquals(Math.sqrt(2.0 / 64), std(m.namedParameters().get("3.weight").value()), 0.15 * Math.sqrt(2.0 / 64));
        for (float v : m.namedParameters().get("0.bias").value().toArray()) assertEquals(0f, v);
        for (float v : m.namedParameters().get("1.weight").value().toArray()) assertEquals(1f, v);
        for (float v : m.namedParameters().get("1.bias").value().toArray()) assertEquals(0f, v);
        for (float v : m.namedBuffers().get("1.running_var").toArray()) assertEquals(1f, v);
    }

    @Test
    void kaimingAndXavierHaveTheRightSpread() {
        Tensor t = Tensor.zeros(100_000);
        Init.kaimingNormal(t, 50, new SplittableRandom(1));
        assertEquals(Math.sqrt(2.0 / 50), std(t), 0.01 * Math.sqrt(2.0 / 50));
        assertEquals(0, mean(t), 0.003);
        Init.xavierUniform(t, 30, 70, new SplittableRandom(1));
        double bound = Math.sqrt(6.0 / 100);
        for (float v : t.toArray()) assertTrue(Math.abs(v) <= bound);
        assertEquals(bound / Math.sqrt(3), std(t), 0.01 * bound);
    }

    private static double mean(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) s += v;
        return s / t.size();
    }

    private static double std(Tensor t) {
        double m = mean(t), s = 0;
        for (float v : t.toArray()) s += (v - m) * (v - m);
        return Math.sqrt(s / t.size());
    }
}
