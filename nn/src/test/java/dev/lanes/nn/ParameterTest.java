package dev.lanes.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.AdamW;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.optim.Sgd;
import dev.lanes.nn.param.DenseStorage;
import dev.lanes.nn.param.TernaryConstraint;
import dev.lanes.nn.param.TernaryStorage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Parameters on dense or packed storage, as layers and optimizers see them. */
class ParameterTest {
    private static Tensor random(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) r.nextGaussian();
        return t;
    }

    @Test
    void constrainPacksTheValuesAndUnconstrainReturnsThemAsFloats() {
        Parameter p = new Parameter("w", random(1, 3, 4));
        assertNull(p.constraint());
        assertFalse(p.isPacked());
        p.constrain(TernaryConstraint.perChannel());
        assertTrue(p.isPacked());
        assertEquals(TernaryConstraint.perChannel(), p.constraint());
        float[] ternary = p.value().toArray();
        for (int i = 0; i < ternary.length; i++) {
            float a = p.ternary().scale(i / 4);
            assertTrue(ternary[i] == 0f || ternary[i] == a || ternary[i] == -a, "element " + i + " = " + ternary[i]);
        }
        p.unconstrain();
        assertFalse(p.isPacked());
        assertNull(p.constraint());
        assertArrayEquals(ternary, p.value().toArray());
        var e = assertThrows(IllegalStateException.class, p::ternary);
        assertTrue(e.getMessage().contains("dense float"), e.getMessage());
    }

    @Test
    void storageOfAnotherShapeIsRefused() {
        Parameter p = new Parameter("w", 2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> p.setStorage(new DenseStorage(Tensor.zeros(3, 2))));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Parameter("v", Tensor.wrap(new float[4], 1, 3)));
        assertTrue(e.getMessage().contains("offset 0"), e.getMessage());
    }

    @Test
    void aLayerRunsOnThePackedValuesAndStillAccumulatesTheirGradient() {
        Linear packed = new Linear(5, 3), dense = new Linear(5, 3);
        packed.weight().constrain(TernaryConstraint.perTensor());
        dense.weight().value().copyFrom(packed.weight().value());
        Tensor x = random(2, 4, 5), dy = random(3, 4, 3);
        assertArrayEquals(dense.forward(x).toArray(), packed.forward(x).toArray());
        packed.backward(dy, true);
        dense.backward(dy, true);
        assertArrayEquals(dense.weight().grad().toArray(), packed.weight().grad().toArray());
        assertTrue(packed.weight().grad().maxAbsDiff(Tensor.zeros(3, 5)) > 0f);
        // a code change is what the next forward sees
        TernaryStorage s = packed.weight().ternary();
        s.setCode(7, (s.code(7) + 1) % 3);
        dense.weight().value().data()[7] = s.level(7, s.code(7));
        assertArrayEquals(dense.forward(x).toArray(), packed.forward(x).toArray());
    }

    @Test
    void floatOptimizersSkipPackedParametersAndKeepNoStateForThem() {
        for (int kind = 0; kind < 3; kind++) {
            Parameter dense = new Parameter("a", random(4, 6)), packed = new Parameter("b", random(5, 2, 8));
            packed.constrain(TernaryConstraint.perChannel());
            for (Parameter p : List.of(dense, packed)) p.grad().copyFrom(random(6, p.shape()));
            Optimizer opt = switch (kind) {
                case 0 -> new Sgd(List.of(dense, packed), 0.1f, 0.9f, 1e-3f, false);
                case 1 -> new Adam(List.of(dense, packed), 0.1f);
                default -> new AdamW(List.of(dense, packed), 0.1f);
            };
            float[] before = packed.value().toArray(), denseBefore = dense.value().toArray();
            long version = packed.ternary().version();
            opt.step();
            opt.step();
            assertArrayEquals(before, packed.value().toArray(), opt.getClass().getSimpleName());
            assertEquals(version, packed.ternary().version(), "codes untouched");
            assertFalse(java.util.Arrays.equals(denseBefore, dense.value().toArray()));
            assertTrue(opt.hasState(0));
            assertFalse(opt.hasState(1));
            assertTrue(opt.state().keySet().stream().noneMatch(k -> k.endsWith(".1")), opt.state().keySet().toString());
        }
    }
}
