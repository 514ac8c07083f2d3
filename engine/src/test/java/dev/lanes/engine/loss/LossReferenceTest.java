package dev.lanes.engine.loss;

import static dev.lanes.engine.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Softmax and cross-entropy against definitions written here in double precision: rows sum to one, the
 * loss is -log p (or -sum t log p with smoothing), the gradient matches central finite differences of that
 * double-precision loss; huge logits stay finite. Both implementations, narrow and wide rows.
 */
class LossReferenceTest {
    private final List<LossKernels> impls = List.of(new ScalarLoss(), new VectorLoss());

    /** Mean over rows of -sum_j t_j log softmax(z)_j, naively (log of exp ratio), in double. */
    private static double loss(int n, int classes, double[] z, int[] labels, double smoothing) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.exp(z[r * classes + j]);
            for (int j = 0; j < classes; j++) {
                double t = (j == labels[r] ? 1 - smoothing : 0) + smoothing / classes;
                total -= t * Math.log(Math.exp(z[r * classes + j]) / sum);
            }
        }
        return total / n;
    }

    @Test
    void lossAndGradientByDefinition() {
        for (int classes : new int[]{1, 3, 10, 67}) {
            int n = 5;
            float[] z = random(classes, n * classes, 3f);
            int[] labels = new int[n];
            for (int r = 0; r < n; r++) labels[r] = (r * 7) % classes;
            double[] zd = new double[z.length];
            for (int i = 0; i < z.length; i++) zd[i] = z[i];
            for (double smoothing : new double[]{0, 0.1}) {
                double expected = loss(n, classes, zd, labels, smoothing);
                for (LossKernels k : impls) {
                    float[] d = new float[z.length];
                    float got = k.softmaxCrossEntropy(n, classes, z, 0, labels, 0, (float) smoothing, d, 0);
                    assertEquals(expected, got, 1e-5, k + " classes=" + classes);
                    for (int i = 0; i < z.length; i++) {
                        double h = 1e-4, saved = zd[i];
                        zd[i] = saved + h;
                        double up = loss(n, classes, zd, labels, smoothing);
                        zd[i] = saved - h;
                        double down = loss(n, classes, zd, labels, smoothing);
                        zd[i] = saved;
                        assertEquals((up - down) / (2 * h), d[i], 1e-6, "dlogits[" + i + "] classes=" + classes);
                    }
                }
            }
        }
    }

    @Test
    void softmaxRowsSumToOneAndLossIsMinusLogP() {
        for (LossKernels k : impls) {
            for (int classes : new int[]{2, 10, 100}) {
                float[] z = random(classes, 4 * classes, 5f), p = new float[z.length];
                k.softmax(4, classes, z, 0, p, 0);
                int[] labels = {0, 1, classes - 1, classes / 2};
                for (int r = 0; r < 4; r++) {
                    double s = 0;
                    for (int j = 0; j < classes; j++) s += p[r * classes + j];
                    assertEquals(1.0, s, 1e-5);
                    float one = k.softmaxCrossEntropy(1, classes, z, r * classes, labels, r, 0f, null, 0);
                    assertEquals(-Math.log(p[r * classes + labels[r]]), one, 1e-4);
                }
                float[] inPlace = z.clone();
                k.softmax(4, classes, inPlace, 0, inPlace, 0);
                for (int i = 0; i < z.length; i++) assertEquals(p[i], inPlace[i], 1e-7f);
            }
        }
    }

    @Test
    void hugeLogitsStayFinite() {
        for (LossKernels k : impls) {
            for (int classes : new int[]{3, 200}) {
                float[] z = new float[classes];
                z[0] = 1e4f;
                z[classes - 1] = -1e4f;
                float[] d = new float[classes];
                float loss = k.softmaxCrossEntropy(1, classes, z, 0, new int[]{classes - 1}, 0, 0f, d, 0);
                assertEquals(2e4f, loss, 1f);
                assertEquals(1f, d[0], 1e-6f);
                assertEquals(-1f, d[classes - 1], 1e-6f);
            }
        }
    }

    @Test
    void badArgumentsNameTheShapesAndRows() {
        for (LossKernels k : impls) {
            assertMessage(() -> k.softmaxCrossEntropy(2, 3, new float[6], 0, new int[]{0, 3}, 0, 0f, null, 0), "row 1");
            assertMessage(() -> k.softmaxCrossEntropy(2, 3, new float[6], 0, new int[]{-1, 0}, 0, 0f, null, 0), "row 0");
            assertMessage(() -> k.softmaxCrossEntropy(2, 3, new float[5], 0, new int[2], 0, 0f, null, 0), "[2, 3]");
            assertMessage(() -> k.softmaxCrossEntropy(2, 3, new float[6], 0, new int[1], 0, 0f, null, 0), "labels [2]");
            assertMessage(() -> k.softmaxCrossEntropy(2, 3, new float[6], 0, new int[2], 0, 0f, new float[5], 0), "dlogits [2, 3]");
            assertMessage(() -> k.softmaxCrossEntropy(2, 3, new float[6], 0, new int[2], 0, 1.5f, null, 0), "smoothing");
            assertMessage(() -> k.softmax(-1, 3, new float[6], 0, new float[6], 0), "[-1, 3]");
            assertMessage(() -> k.softmax(2, 3, new float[6], 1, new float[6], 0), "x [2, 3]");
        }
    }

    static void assertMessage(Runnable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention " + fragment);
    }
}
