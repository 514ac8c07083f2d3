package dev.lanes.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.zoo.Zoo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDictTest {
    @Test
    void aStateDictIsACopyThatLoadsBackExactly() {
        Sequential a = Zoo.create("resnet8", 3, 16, 16, 10, 1), b = Zoo.create("resnet8", 3, 16, 16, 10, 2);
        Map<String, Tensor> state = a.stateDict();
        assertTrue(state.containsKey("bn1.running_mean") || state.keySet().stream().anyMatch(k -> k.endsWith(".running_var")), state.keySet().toString());
        Tensor w = a.parameters().get(0).value();
        float kept = state.get(a.namedParameters().keySet().iterator().next()).data()[0];
        w.data()[w.offset()] += 1f;
        assertEquals(kept, state.get(a.namedParameters().keySet().iterator().next()).data()[0], "training on does not change a snapshot");
        assertTrue(b.loadStateDict(state, true).complete());
        Tensor x = Tensor.full(0.5f, 2, 3, 16, 16);
        a.loadStateDict(state, true);
        a.eval();
        b.eval();
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
    }

    @Test
    void aNonStrictLoadFillsANewHeadsBodyAndReportsTheRest() {
        Sequential trained = Zoo.create("lenet5", 1, 28, 28, 10, 1), fresh = Zoo.create("lenet5", 1, 28, 28, 5, 2);
        assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(trained.stateDict(), true));
        float headBefore = fresh.parameters().get(fresh.parameters().size() - 1).value().data()[0];
        StateDict.LoadResult r = fresh.loadStateDict(trained.stateDict(), false);
        assertEquals(List.of(), r.missing());
        assertEquals(2, r.mismatched().size(), "the last layer's weight and bias: " + r.mismatched());
        assertArrayEquals(trained.parameters().get(0).value().toArray(), fresh.parameters().get(0).value().toArray());
        assertEquals(headBefore, fresh.parameters().get(fresh.parameters().size() - 1).value().data()[0]);
        Map<String, Tensor> extra = new java.util.LinkedHashMap<>(trained.stateDict());
        extra.put("nowhere.weight", Tensor.zeros(1));
        assertEquals(List.of("nowhere.weight"), trained.loadStateDict(extra, false).unexpected());
    }

    @Test
    void zeroGradClearsEveryGradientAndForwardReusesItsBuffer() {
        Sequential net = Zoo.create("lenet5", 1, 28, 28, 10, 1);
        Tensor x = Tensor.full(0.1f, 2, 1, 28, 28);
        Tensor y1 = net.forward(x);
        net.backward(Tensor.full(1f, y1.shape()), false);
        assertTrue(net.parameters().stream().anyMatch(p -> p.grad().toArray()[0] != 0f));
        net.zeroGrad();
        for (Parameter p : net.parameters()) for (float g : p.grad().toArray()) assertEquals(0f, g);
        float[] first = y1.toArray();
        Tensor y2 = net.forward(Tensor.full(0.9f, 2, 1, 28, 28));
        assertSame(y1, y2, "the README's promise: forward returns the module's own buffer");
        assertNotEquals(first[0], y2.toArray()[0]);
    }
}
