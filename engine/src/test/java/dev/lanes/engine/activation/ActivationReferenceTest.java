package dev.lanes.engine.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The activations against hand-written values, and their argument checks (both implementations). */
class ActivationReferenceTest {
    private final List<ActivationKernels> impls = List.of(new ScalarActivation(), new VectorActivation());

    @Test
    void reluByDefinition() {
        for (ActivationKernels k : impls) {
            float[] x = {-2f, -0f, 0f, 0.5f, 3f}, y = new float[5], dx = new float[5];
            k.reluForward(x, 0, y, 0, 5);
            assertArrayEquals(new float[]{0f, 0f, 0f, 0.5f, 3f}, y);
            k.reluBackward(y, 0, new float[]{1, 2, 3, 4, 5}, 0, dx, 0, 5);
            assertArrayEquals(new float[]{0, 0, 0, 4, 5}, dx);
        }
    }

    @Test
    void biasReluByDefinition() {
        for (ActivationKernels k : impls) {
            // n=2, c=2, hw=2
            float[] x = {1, -1, 1, -1, 2, -2, 2, -2}, y = new float[8];
            k.biasReluForward(2, 2, 2, x, 0, new float[]{0.5f, -1.5f}, y, 0);
            assertArrayEquals(new float[]{1.5f, 0, 0, 0, 2.5f, 0, 0.5f, 0}, y);
        }
    }

    @Test
    void badArgumentsNameTheShapes() {
        for (ActivationKernels k : impls) {
            assertMessage(() -> k.reluForward(new float[4], 0, new float[3], 0, 4), "[4]");
            assertMessage(() -> k.reluForward(new float[4], 2, new float[4], 0, 4), "offset 2");
            assertMessage(() -> k.reluForward(new float[4], 0, new float[4], 0, -1), "count");
            assertMessage(() -> k.reluBackward(new float[4], 0, null, 0, new float[4], 0, 4), "dy");
            assertMessage(() -> k.biasReluForward(2, 3, 4, new float[24], 0, new float[2], new float[24], 0), "bias [3]");
            assertMessage(() -> k.biasReluForward(2, 3, 4, new float[23], 0, new float[3], new float[24], 0), "[2, 3, 4]");
            assertMessage(() -> k.biasReluForward(2, -3, 4, new float[24], 0, new float[3], new float[24], 0), "[2, -3, 4]");
        }
    }

    static void assertMessage(Runnable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention " + fragment);
    }
}
