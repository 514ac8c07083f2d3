package dev.lanes.engine.elementwise;

import static dev.lanes.engine.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The element-wise kernels and optimizer steps against their formulas in double, and argument checks. */
class ElementwiseReferenceTest {
    private final List<ElementwiseKernels> impls = List.of(new ScalarElementwise(), new VectorElementwise());

    @Test
    void sumsByDefinition() {
        float[] x = random(7, 5000, 1f);
        double s = 0, q = 0;
        for (float v : x) {
            s += v;
            q += (double) v * v;
        }
        for (ElementwiseKernels k : impls) {
            assertEquals(s, k.sum(x, 0, x.length), 1e-3);
            assertEquals(q, k.sumOfSquares(x, 0, x.length), 1e-3);
            float[] sum = new float[3], sq = new float[3];
            // n=2, c=3, hw=2
            k.channelSumAndSquares(2, 3, 2, new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 0, sum, sq);
            assertArrayEquals(new float[]{1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12}, sum);
            assertArrayEquals(new float[]{1 + 4 + 49 + 64, 9 + 16 + 81 + 100, 25 + 36 + 121 + 144}, sq);
        }
    }

    @Test
    void adamAndAdamWFollowTheFormula() {
        double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8, t = 3, bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
        for (ElementwiseKernels k : impls) {
            for (boolean decoupled : new boolean[]{false, true}) {
                double l2 = decoupled ? 0 : 0.1, wd = decoupled ? 0.1 : 0;
                float[] w = random(1, 37, 1f), g = random(2, 37, 1f), m = random(3, 37, 0.1f), v = random(4, 37, 0.1f);
                for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
                float[] w0 = w.clone(), g0 = g.clone(), m0 = m.clone(), v0 = v.clone();
                k.adamStep(w, g, m, v, 37, (float) lr, (float) b1, (float) b2, (float) eps, (float) bc1, (float) bc2,
                        (float) l2, (float) wd);
                assertArrayEquals(g0, g, "the gradient is not modified");
                for (int i = 0; i < 37; i++) {
                    double gi = g0[i] + l2 * w0[i];
                    double mi = b1 * m0[i] + (1 - b1) * gi, vi = b2 * v0[i] + (1 - b2) * gi * gi;
                    double wi = w0[i] * (1 - lr * wd) - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps);
                    assertEquals(mi, m[i], 1e-6);
                    assertEquals(vi, v[i], 1e-6);
                    assertEquals(wi, w[i], 1e-5, "w[" + i + "] decoupled=" + decoupled);
                }
            }
        }
    }

    @Test
    void sgdFollowsTheFormula() {
        double lr = 0.1, mom = 0.9, wd = 0.01;
        for (ElementwiseKernels k : impls) {
            for (boolean nesterov : new boolean[]{false, true}) {
                float[] w = random(1, 19, 1f), g = random(2, 19, 1f), buf = random(3, 19, 1f);
                float[] w0 = w.clone(), b0 = buf.clone();
                k.sgdStep(w, g, buf, 19, (float) lr, (float) mom, (float) wd, nesterov);
                for (int i = 0; i < 19; i++) {
                    double gi = g[i] + wd * w0[i], b = mom * b0[i] + gi, upd = nesterov ? gi + mom * b : b;
                    assertEquals(b, buf[i], 1e-6);
                    assertEquals(w0[i] - lr * upd, w[i], 1e-6);
                }
                float[] plain = w0.clone();
                k.sgdStep(plain, g, null, 19, (float) lr, 0f, 0f, false); // no buffer needed without momentum
                for (int i = 0; i < 19; i++) assertEquals(w0[i] - lr * g[i], plain[i], 1e-6);
            }
        }
    }

    /**
     * Tiny weights and subnormal optimizer state come out as exact zeros (subnormals cost ~100 cycles per operation
     * on Intel): the first lanes of a vector and the scalar tail alike (count 37), in Adam and SGD.
     */
    @Test
    void optimizerStepsFlushTinyWeightsAndSubnormalState() {
        float sub = Float.MIN_NORMAL / 8; // subnormal
        for (ElementwiseKernels k : impls) {
            for (int at : new int[] {0, 36}) {
                float[] w = new float[37], g = new float[37], m = new float[37], v = new float[37];
                java.util.Arrays.fill(w, 0.5f);
                java.util.Arrays.fill(v, 1e-4f);
                w[at] = 1.0001e-20f; // AdamW's decay (1 - 5e-4) takes it below TINY_WEIGHT
                m[at] = sub;
                v[at] = sub;
                k.adamStep(w, g, m, v, 37, 1e-3f, 0.9f, 0.999f, 1e-8f, 1f, 1f, 0f, 0.5f);
                assertEquals(0f, m[at], "a subnormal first moment becomes 0");
                assertEquals(0f, v[at], "a subnormal second moment becomes 0");
                assertEquals(0f, w[at], "a weight below 1e-20 becomes 0: " + w[at]);
                assertEquals(0.5f * (1 - 1e-3f * 0.5f), w[(at + 1) % 37], 1e-7, "other weights as the formula says");
                float[] tiny = new float[37], buf = new float[37];
                java.util.Arrays.fill(tiny, 1f);
                tiny[at] = 3e-20f;
                buf[at] = sub;
                k.sgdStep(tiny, new float[37], buf, 37, 0.1f, 0.9f, 0f, false);
                assertEquals(0f, buf[at], "a subnormal momentum buffer becomes 0");
                assertEquals(3e-20f, tiny[at], "3e-20 is above the threshold: kept");
                k.sgdStep(tiny, new float[37], null, 37, 0.5f, 0f, 1.9f, false);
                assertEquals(0f, tiny[at], "3e-20 * (1 - 0.5 * 1.9) is below it");
                float[] nan = new float[37];
                nan[at] = Float.NaN;
                k.sgdStep(nan, new float[37], null, 37, 0.1f, 0f, 0f, false);
                assertTrue(Float.isNaN(nan[at]), "NaN is kept, so divergence still shows");
            }
        }
    }

    @Test
    void badArgumentsNameTheShapes() {
        for (ElementwiseKernels k : impls) {
            assertMessage(() -> k.add(new float[5], 0, new float[4], 0, new float[5], 0, 5), "b [5]");
            assertMessage(() -> k.mul(new float[5], 0, new float[5], 0, new float[5], 0, -2), "count");
            assertMessage(() -> k.axpy(1f, new float[5], 1, new float[5], 0, 5), "offset 1");
            assertMessage(() -> k.sum(null, 0, 3), "null");
            assertMessage(() -> k.channelSumAndSquares(2, 3, 4, new float[24], 0, new float[2], new float[3]), "sum [3]");
            assertMessage(() -> k.channelSumAndSquares(2, 3, 4, new float[20], 0, new float[3], new float[3]), "[2, 3, 4]");
            assertMessage(() -> k.adamStep(new float[4], new float[4], new float[3], new float[4], 4, 1f, 0.9f, 0.99f,
                    1e-8f, 0.1f, 0.01f, 0f, 0f), "m [4]");
            assertMessage(() -> k.sgdStep(new float[4], new float[4], null, 4, 0.1f, 0.9f, 0f, false), "momentum buffer [4]");
        }
    }

    static void assertMessage(Runnable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention " + fragment);
    }
}
