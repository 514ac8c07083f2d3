package dev.lanes.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    private static final double ATOL = 1e-6, RTOL = 1e-5;

    @Test
    void sgdMatchesPyTorchFormulas() {
        OptimizerCase.sgd(0.1f, 0f, 0f, false).check(37, 5, 1, ATOL, RTOL);
        OptimizerCase.sgd(0.05f, 0.9f, 0f, false).check(37, 6, 2, ATOL, RTOL);
        OptimizerCase.sgd(0.05f, 0.9f, 5e-4f, true).check(100, 6, 3, ATOL, RTOL);
        OptimizerCase.sgd(0.2f, 0f, 1e-2f, false).check(9, 4, 4, ATOL, RTOL);
    }

    @Test
    void adamMatchesPyTorchFormulas() {
        OptimizerCase.adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0f).check(37, 6, 5, ATOL, RTOL);
        OptimizerCase.adam(1e-2f, 0.8f, 0.99f, 1e-6f, 1e-2f).check(100, 6, 6, ATOL, RTOL);
    }

    @Test
    void adamWMatchesPyTorchFormulas() {
        OptimizerCase.adamW(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f).check(37, 6, 7, ATOL, RTOL);
        OptimizerCase.adamW(5e-2f, 0.85f, 0.995f, 1e-7f, 0.1f).check(100, 6, 8, ATOL, RTOL);
    }

    @Test
    void adamL2AndAdamWDecayDiffer() {
        // Same gradients: L2 goes through the adaptive scaling, decoupled decay does not, so the weights part.
        Parameter a = param(1, 2f), b = param(1, 2f);
        Optimizer adam = new Adam(List.of(a), 0.1f, 0.9f, 0.999f, 1e-8f, 0.1f);
        Optimizer adamW = new AdamW(List.of(b), 0.1f, 0.9f, 0.999f, 1e-8f, 0.1f);
        adam.step();
        adamW.step();
        // Zero gradient: Adam's L2 gradient 0.2 normalises to a full lr step; AdamW shrinks by lr*wd*w = 0.02.
        assertEquals(2f - 0.1f, a.value().get(0), 1e-5f);
        assertEquals(2f * (1 - 0.01f), b.value().get(0), 1e-6f);
    }

    @Test
    void frozenParametersAreUntouchedAndGetNoState() {
        for (Optimizer opt : List.of(new Sgd(twoParams(), 0.1f, 0.9f, 1e-3f, true), new Adam(twoParams(), 0.01f),
                new AdamW(twoParams(), 0.01f))) {
            Parameter live = opt.parameters().get(0), frozen = opt.parameters().get(1);
            frozen.setTrainable(false);
            float[] before = frozen.value().toArray(), liveBefore = live.value().toArray();
            for (int i = 0; i < 3; i++) opt.step();
            assertArrayEquals(before, frozen.value().toArray(), opt.getClass().getSimpleName());
            assertFalse(java.util.Arrays.equals(liveBefore, live.value().toArray()));
            assertTrue(opt.hasState(0));
            assertFalse(opt.hasState(1));
            assertTrue(opt.state().keySet().stream().noneMatch(k -> k.endsWith(".1")), opt.state().keySet().toString());
        }
    }

    @Test
    void parameterUnfrozenLateStartsItsOwnBiasCorrection() {
        List<Parameter> params = twoParams();
        Optimizer opt = new Adam(params, 0.01f);
        params.get(1).setTrainable(false);
        params.get(1).grad().fill(0.5f);
        for (int i = 0; i < 5; i++) opt.step();
        params.get(1).setTrainable(true);
        float before = params.get(1).value().get(0, 0);
        opt.step();
        // First Adam update of a parameter moves it by ~lr * sign(g) (t = 1), not the t = 6 value.
        assertEquals(before - 0.01f, params.get(1).value().get(0, 0), 1e-6f);
        assertEquals(1, Optimizer.countValue("t.1", opt.state().get("t.1")));
        assertEquals(6, opt.stepCount());
    }

    @Test
    void stateRoundTripContinuesBitForBit() {
        for (boolean adam : new boolean[] {true, false}) {
            List<Parameter> a = twoParams(), b = twoParams();
            Optimizer oa = adam ? new Adam(a, 0.01f) : new Sgd(a, 0.1f, 0.9f, 0f, false);
            Optimizer ob = adam ? new Adam(b, 0.01f) : new Sgd(b, 0.1f, 0.9f, 0f, false);
            for (int i = 0; i < 3; i++) oa.step();
            for (int i = 0; i < 2; i++) b.get(i).value().copyFrom(a.get(i).value());
            ob.loadState(oa.state());
            assertEquals(3, ob.stepCount());
            for (int i = 0; i < 2; i++) {
                oa.step();
                ob.step();
            }
            for (int i = 0; i < 2; i++) assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray());
        }
    }

    @Test
    void loadStateRejectsForeignOrMisshapenStateAndChangesNothing() {
        Optimizer sgd = new Sgd(twoParams(), 0.1f, 0.9f, 0f, false);
        sgd.step();
        Adam adam = new Adam(twoParams(), 0.01f);
        var e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(sgd.state()));
        assertTrue(e.getMessage().contains("\"momentum.0\""), e.getMessage());
        assertEquals(0, adam.stepCount());

        Map<String, Tensor> bad = new java.util.LinkedHashMap<>(sgd.state());
        bad.put("momentum.0", Tensor.full(7f, 3));
        bad.put("momentum.1", Tensor.zeros(3, 3));
        e = assertThrows(IllegalArgumentException.class, () -> sgd.loadState(bad));
        assertTrue(e.getMessage().contains("\"momentum.1\" has shape [3, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        assertTrue(sgd.state().get("momentum.0").maxAbsDiff(bad.get("momentum.0")) > 0f, "momentum.0 must not have been loaded");

        Map<String, Tensor> partial = new java.util.LinkedHashMap<>(sgd.state());
        partial.remove("t.0");
        e = assertThrows(IllegalArgumentException.class, () -> sgd.loadState(partial));
        assertTrue(e.getMessage().contains("missing entry \"t.0\""), e.getMessage());
    }

    @Test
    void countersSurviveFloatStorageExactly() {
        for (long n : new long[] {0, 1, 16_777_217L, (1L << 40) + 3}) assertEquals(n, Optimizer.countValue("c", Optimizer.count(n)));
        assertThrows(IllegalArgumentException.class, () -> Optimizer.countValue("c", Tensor.of(new float[] {0, 0.5f}, 2)));
    }

    @Test
    void zeroGradAndLearningRate() {
        Optimizer opt = new Sgd(twoParams(), 0.1f);
        opt.zeroGrad();
        for (Parameter p : opt.parameters()) assertEquals(0f, p.grad().maxAbsDiff(Tensor.zeros(p.shape())));
        opt.setLearningRate(0.5f);
        assertEquals(0.5f, opt.learningRate());
        assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(), 0.1f, 0f, 0f, true));
        Parameter p = new Parameter("p", 2);
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p, p), 0.1f));
    }

    /** A [3] and a [4, 5] parameter with random values and gradients. */
    private static List<Parameter> twoParams() {
        Random rnd = new Random(42);
        Parameter a = new Parameter("a", 3), b = new Parameter("b", 4, 5);
        for (Parameter p : List.of(a, b)) {
            for (int i = 0; i < p.size(); i++) {
                p.value().data()[i] = (float) rnd.nextGaussian();
                p.grad().data()[i] = (float) rnd.nextGaussian();
            }
        }
        return List.of(a, b);
    }

    private static Parameter param(int size, float value) {
        Parameter p = new Parameter("p", size);
        p.value().fill(value);
        return p;
    }
}
