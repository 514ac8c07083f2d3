package dev.lanes.engine.pool;

import static dev.lanes.engine.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pooling against hand-worked examples and the adjoint identity &lt;forward(x), dy&gt; = &lt;x, backward(dy)&gt;
 * (both pools are linear in x once the argmax is fixed), for both implementations; and argument checks.
 */
class PoolingReferenceTest {
    private final List<PoolingKernels> impls = List.of(new ScalarPooling(), new VectorPooling());

    @Test
    void maxPoolByHand() {
        // 1x1x3x4, window 2, stride 2, pad 1: windows clipped at the edges, padding never wins
        float[] x = {-5, -1, -2, -3,
                     -4, -6, -7, -8,
                     -9, -9, -1, -9};
        PoolShape s = new PoolShape(1, 1, 3, 4, 2, 2, 2, 2, 1, 1);
        for (PoolingKernels k : impls) {
            float[] y = new float[s.outputSize()];
            int[] arg = new int[s.outputSize()];
            k.maxForward(s, x, 0, y, 0, arg);
            assertArrayEquals(new float[]{-5, -1, -3, -4, -1, -8}, y);
            assertArrayEquals(new int[]{0, 1, 3, 4, 10, 7}, arg);
        }
    }

    @Test
    void tiesGoToTheFirstInWindowOrder() {
        float[] x = {1, 5, 5, 1}; // 2x2 plane, one 2x2 window: (0,1) comes before (1,0)
        for (PoolingKernels k : impls) {
            int[] arg = new int[1];
            k.maxForward(PoolShape.of(1, 1, 2, 2, 2, 2, 0), x, 0, new float[1], 0, arg);
            assertEquals(1, arg[0]);
        }
    }

    @Test
    void avgPoolCountsPaddingAsZeros() {
        PoolShape s = PoolShape.of(1, 1, 2, 2, 3, 1, 1); // 3x3 windows over a 2x2 plane padded by 1
        float[] x = {1, 1, 1, 1};
        for (PoolingKernels k : impls) {
            float[] y = new float[s.outputSize()];
            k.avgForward(s, x, 0, y, 0);
            for (float v : y) assertEquals(4f / 9f, v, 1e-6f); // every window holds all 4 ones, divisor 9
        }
    }

    @Test
    void backwardIsTheAdjointOfForward() {
        PoolShape[] shapes = {PoolShape.of(2, 3, 7, 9, 3, 2, 1), PoolShape.of(1, 2, 8, 8, 2, 2, 0),
                new PoolShape(2, 2, 6, 11, 4, 3, 1, 3, 2, 1), PoolShape.of(1, 1, 5, 5, 1, 1, 0)};
        for (PoolShape s : shapes) {
            float[] x = random(1, s.inputSize(), 1f), dy = random(2, s.outputSize(), 1f);
            for (PoolingKernels k : impls) {
                float[] y = new float[s.outputSize()], dx = new float[s.inputSize()];
                k.avgForward(s, x, 0, y, 0);
                k.avgBackward(s, dy, 0, dx, 0);
                assertEquals(dot(y, dy), dot(x, dx), 1e-4, "avg " + s);
                int[] arg = new int[s.outputSize()];
                k.maxForward(s, x, 0, y, 0, arg);
                k.maxBackward(s, dy, 0, arg, dx, 0);
                assertEquals(dot(y, dy), dot(x, dx), 1e-4, "max " + s);
            }
        }
        float[] x = random(3, 2 * 3 * 10, 1f), dy = random(4, 6, 1f);
        for (PoolingKernels k : impls) {
            float[] y = new float[6], dx = new float[60];
            k.globalAvgForward(2, 3, 10, x, 0, y, 0);
            k.globalAvgBackward(2, 3, 10, dy, 0, dx, 0);
            assertEquals(dot(y, dy), dot(x, dx), 1e-5, "global avg");
            double mean = 0;
            for (int i = 10; i < 20; i++) mean += x[i] / 10.0;
            assertEquals(mean, y[1], 1e-6);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    @Test
    void badArgumentsNameTheShapes() {
        PoolShape s = PoolShape.of(2, 3, 8, 8, 2, 2, 0);
        for (PoolingKernels k : impls) {
            assertMessage(() -> k.maxForward(s, new float[383], 0, new float[96], 0, new int[96]), "[2, 3, 8, 8]");
            assertMessage(() -> k.maxForward(s, new float[384], 0, new float[96], 0, new int[95]), "argmax [2, 3, 4, 4]");
            assertMessage(() -> k.avgForward(s, new float[384], 0, new float[95], 0), "y [2, 3, 4, 4]");
            assertMessage(() -> k.avgBackward(s, new float[96], 1, new float[384], 0), "dy [2, 3, 4, 4]");
            int[] bad = new int[96];
            bad[5] = 64;
            assertMessage(() -> k.maxBackward(s, new float[96], 0, bad, new float[384], 0), "argmax[5] = 64");
            assertMessage(() -> k.globalAvgForward(2, 3, 0, new float[6], 0, new float[6], 0), "[2, 3, 0]");
            assertMessage(() -> k.globalAvgBackward(2, 3, 4, new float[5], 0, new float[24], 0), "dy [2, 3]");
        }
        assertMessage(() -> PoolShape.of(1, 1, 4, 4, 2, 2, 2), "padding 2x2");
        assertMessage(() -> PoolShape.of(1, 1, 2, 2, 4, 1, 0), "larger than the padded input 2x2");
    }

    static void assertMessage(Runnable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention " + fragment);
    }
}
