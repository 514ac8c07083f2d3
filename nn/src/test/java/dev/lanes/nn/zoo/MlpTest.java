package dev.lanes.nn.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.layers.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpTest {
    @Test
    void namesGiveFlattenLinearReluStacksEndingInTheClasses() {
        Sequential m = Zoo.create("mlp-16-8", 4, 1, 1, 3, 7);
        assertEquals(List.of("flatten", "fc1", "relu1", "fc2", "relu2", "fc3"), m.childNames());
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"), List.copyOf(m.namedParameters().keySet()));
        assertArrayEquals(new int[] {5, 3}, m.outputShape(new int[] {5, 4, 1, 1}));
        assertEquals(4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3, m.parameterCount());
        assertArrayEquals(new int[] {2, 10}, Zoo.create("mlp-32", 1, 28, 28, 10, 1).outputShape(new int[] {2, 1, 28, 28}));
    }

    @Test
    void theSeedFixesTheWeights() {
        float[] a = Zoo.create("mlp-5", 3, 1, 1, 2, 11).parameters().get(0).value().data();
        float[] b = Zoo.create("mlp-5", 3, 1, 1, 2, 11).parameters().get(0).value().data();
        float[] c = Zoo.create("mlp-5", 3, 1, 1, 2, 12).parameters().get(0).value().data();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void badNamesAreRefusedNamingThem() {
        assertTrue(Mlp.matches("MLP-4"));
        assertFalse(Mlp.matches("mlp"));
        assertFalse(Mlp.matches("mlp-4-"));
        var e = assertThrows(IllegalArgumentException.class, () -> Zoo.create("mlp-0", 1, 1, 1, 2, 1));
        assertTrue(e.getMessage().contains("mlp-0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Zoo.create("mlp-99999999999", 1, 1, 1, 2, 1));
    }
}
