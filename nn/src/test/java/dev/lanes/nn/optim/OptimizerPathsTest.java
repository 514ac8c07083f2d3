package dev.lanes.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Optimizer state keyed by parameter path: names, index-keyed state of older files, and rebinding after surgery. */
class OptimizerPathsTest {
    private static Parameter param(String name, long seed, int... shape) {
        Parameter p = new Parameter(name, shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < p.size(); i++) p.value().data()[i] = (float) r.nextGaussian();
        return p;
    }

    private static void randomGrads(Map<String, Parameter> params, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : params.values()) for (int i = 0; i < p.size(); i++) p.grad().data()[i] = (float) r.nextGaussian();
    }

    /** A small "model": conv weight, its bias, a linear weight, by dotted paths. */
    private static Map<String, Parameter> model(long seed) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("0.weight", param("weight", seed, 4, 3, 3, 3));
        m.put("0.bias", param("bias", seed + 1, 4));
        m.put("3.weight", param("weight", seed + 2, 2, 16));
        return m;
    }

    private static Map<String, Parameter> copy(Map<String, Parameter> m) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : m.entrySet()) {
            out.put(e.getKey(), new Parameter(e.getValue().name(), e.getValue().value().copy()));
        }
        return out;
    }

    private static void assertSameValues(Map<String, Parameter> a, Map<String, Parameter> b) {
        for (String k : a.keySet()) assertArrayEquals(a.get(k).value().toArray(), b.get(k).value().toArray(), k);
    }

    @Test
    void stateIsNamedByKindAndPath() {
        Map<String, Parameter> m = model(1);
        Adam adam = new Adam(m, 0.01f);
        m.get("0.bias").setTrainable(false);
        randomGrads(m, 2);
        adam.step();
        assertEquals(List.of("step", "m.0.weight", "v.0.weight", "t.0.weight", "m.3.weight", "v.3.weight", "t.3.weight"),
                List.copyOf(adam.state().keySet()));
        assertEquals(List.copyOf(m.keySet()), List.copyOf(adam.namedParameters().keySet()));
        assertTrue(adam.hasState("3.weight") && !adam.hasState("0.bias") && !adam.hasState("nope"));
        Sgd sgd = new Sgd(model(1), 0.1f, 0.9f, 0f, false);
        sgd.step();
        assertTrue(sgd.state().containsKey("momentum.3.weight"), sgd.state().keySet().toString());
    }

    @Test
    void droppedStateIsGoneFromStateAndCheckpointsAndRestartsFresh() {
        Map<String, Parameter> m = model(1);
        Adam adam = new Adam(m, 0.01f);
        randomGrads(m, 2);
        adam.step();
        Parameter w = m.get("0.weight");
        assertTrue(adam.dropState(w), "it had moments");
        assertFalse(adam.dropState(w), "nothing left to drop");
        assertFalse(adam.hasState("0.weight"));
        assertEquals(List.of("step", "m.0.bias", "v.0.bias", "t.0.bias", "m.3.weight", "v.3.weight", "t.3.weight"),
                List.copyOf(adam.state().keySet()));
        // trained again it starts as a new parameter would: its first Adam step moves each value by about lr
        float[] before = w.value().toArray();
        adam.step();
        Adam fresh = new Adam(Map.of("0.weight", new Parameter("weight", Tensor.of(before.clone(), w.shape()))), 0.01f);
        fresh.namedParameters().get("0.weight").grad().copyFrom(w.grad());
        fresh.step();
        assertArrayEquals(fresh.namedParameters().get("0.weight").value().toArray(), w.value().toArray());
        assertThrows(IllegalArgumentException.class, () -> adam.dropState(new Parameter("x", 2)));
    }

    @Test
    void statePerPathRoundTripsBitForBit() {
        Map<String, Parameter> a = model(3), b = copy(a);
        Optimizer oa = new AdamW(a, 0.01f), ob = new AdamW(b, 0.01f);
        for (int s = 0; s < 3; s++) {
            randomGrads(a, s);
            oa.step();
        }
        for (String k : a.keySet()) b.get(k).value().copyFrom(a.get(k).value());
        ob.loadState(oa.state());
        for (int s = 3; s < 6; s++) {
            randomGrads(a, s);
            randomGrads(b, s);
            oa.step();
            ob.step();
        }
        assertSameValues(a, b);
        assertEquals(6, ob.stepCount());
    }

    @Test
    void indexKeyedStateOfOlderCheckpointsLoadsIntoAnOptimizerOverPaths() {
        // An optimizer over a list writes "m.0", "t.2", ...: exactly the keys of checkpoints made before paths.
        Map<String, Parameter> a = model(5), b = copy(a);
        Optimizer old = new Adam(List.copyOf(a.values()), 0.01f);
        for (int s = 0; s < 2; s++) {
            randomGrads(a, s);
            old.step();
        }
        assertTrue(old.state().containsKey("m.2") && old.state().containsKey("t.0"), old.state().keySet().toString());
        for (String k : a.keySet()) b.get(k).value().copyFrom(a.get(k).value());
        Optimizer byPath = new Adam(b, 0.01f);
        byPath.loadState(old.state());
        assertTrue(byPath.state().containsKey("m.3.weight"), byPath.state().keySet().toString());
        randomGrads(a, 9);
        randomGrads(b, 9);
        old.step();
        byPath.step();
        assertSameValues(a, b);
    }

    @Test
    void unknownPathsAndMixedKeysAreRefusedNamingTheEntry() {
        Optimizer opt = new Adam(model(1), 0.01f);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("step", Optimizer.count(1));
        state.put("m.9.weight", Tensor.zeros(2, 16));
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(state));
        assertTrue(e.getMessage().contains("unexpected entry \"m.9.weight\""), e.getMessage());
        state.remove("m.9.weight");
        state.put("m.0.weight", Tensor.zeros(4, 3, 3, 3));
        state.put("v.1", Tensor.zeros(4)); // half by path, half by index: neither reading fits
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(state));
        assertTrue(e.getMessage().contains("unexpected entry"), e.getMessage());
        assertEquals(0, opt.stepCount(), "nothing loaded");
    }

    @Test
    void rebindKeepsTheStateOfParametersWithTheSamePathAndShape() {
        Map<String, Parameter> before = model(7);
        Adam opt = new Adam(before, 0.01f);
        Adam reference = new Adam(copy(before), 0.01f); // never rebound: what the kept parameter must follow
        for (int s = 0; s < 3; s++) {
            randomGrads(before, s);
            randomGrads(reference.namedParameters(), s);
            opt.step();
            reference.step();
        }
        // "surgery": 0.weight pruned to 3 output channels, 0.bias replaced by a same-shape parameter, 3.weight
        // untouched, and a new 5.weight
        Map<String, Parameter> after = new LinkedHashMap<>();
        after.put("0.weight", param("weight", 11, 3, 3, 3, 3));
        after.put("0.bias", param("bias", 12, 4));
        after.put("3.weight", before.get("3.weight"));
        after.put("5.weight", param("weight", 13, 2, 2));
        Set<String> kept = opt.rebind(after);
        assertEquals(Set.of("0.bias", "3.weight"), kept);
        assertTrue(opt.hasState("0.bias") && opt.hasState("3.weight"));
        assertFalse(opt.hasState("0.weight"));
        assertFalse(opt.hasState("5.weight"));
        assertEquals(3, opt.stepCount());
        assertEquals(reference.state().get("m.3.weight").maxAbsDiff(opt.state().get("m.3.weight")), 0f);
        assertEquals(3, Optimizer.countValue("t", opt.state().get("t.0.bias")));

        randomGrads(after, 20);
        reference.namedParameters().get("3.weight").grad().copyFrom(after.get("3.weight").grad());
        opt.step();
        reference.step();
        assertArrayEquals(reference.namedParameters().get("3.weight").value().toArray(), after.get("3.weight").value().toArray(),
                "a kept parameter continues as if nothing happened");
        assertEquals(1, Optimizer.countValue("t", opt.state().get("t.0.weight")), "a reshaped parameter starts at t = 1");
        assertEquals(List.copyOf(after.keySet()), List.copyOf(opt.namedParameters().keySet()));
    }

    @Test
    void rebindRefusingAParameterListedTwiceChangesNothing() {
        Map<String, Parameter> m = model(1);
        Optimizer opt = new Sgd(m, 0.1f, 0.9f, 0f, false);
        opt.step();
        Map<String, Parameter> twice = new LinkedHashMap<>(m);
        twice.put("again", m.get("0.bias"));
        var e = assertThrows(IllegalArgumentException.class, () -> opt.rebind(twice));
        assertTrue(e.getMessage().contains("listed twice") && e.getMessage().contains("\"again\""), e.getMessage());
        assertEquals(List.copyOf(m.keySet()), List.copyOf(opt.namedParameters().keySet()));
        assertTrue(opt.hasState("0.bias"));
    }
}
