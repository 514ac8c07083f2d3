package dev.lanes.engine.loss;

import static dev.lanes.engine.KernelTesting.random;
import static dev.lanes.engine.loss.LossReferenceTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The distillation loss against its definition written here naively in double precision (softmaxes as
 * exp ratios, KL as Σ p log(p / q)), its gradient against central finite differences of that definition,
 * the two limits (α = 0 is cross-entropy, a teacher equal to the student leaves only the hard term) and the
 * argument checks; both implementations, odd, narrow and wide class counts.
 */
class DistillationReferenceTest {
    private final List<LossKernels> impls = List.of(new ScalarLoss(), new VectorLoss());

    private static double[] softmax(double[] z, int off, int classes, double temperature) {
        double[] p = new double[classes];
        double sum = 0;
        for (int j = 0; j < classes; j++) sum += Math.exp(z[off + j] / temperature);
        for (int j = 0; j < classes; j++) p[j] = Math.exp(z[off + j] / temperature) / sum;
        return p;
    }

    /** Mean over rows of (1 - α)·(-log softmax(s)[label]) + α·T²·Σ pt·log(pt / ps), softmaxes at T. */
    static double loss(int n, int classes, double[] s, double[] t, int[] labels, double temperature, double alpha) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            double[] p1 = softmax(s, r * classes, classes, 1), ps = softmax(s, r * classes, classes, temperature),
                    pt = softmax(t, r * classes, classes, temperature);
            double kl = 0;
            for (int j = 0; j < classes; j++) kl += pt[j] * Math.log(pt[j] / ps[j]);
            total += (1 - alpha) * -Math.log(p1[labels[r]]) + alpha * temperature * temperature * kl;
        }
        return total / n;
    }

    private static double[] doubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    @Test
    void lossAndGradientByDefinition() {
        for (int classes : new int[]{1, 3, 7, 10, 67, 129}) {
            int n = 5;
            float[] s = random(classes, n * classes, 3f), t = random(classes + 100, n * classes, 4f);
            int[] labels = new int[n];
            for (int r = 0; r < n; r++) labels[r] = (r * 7) % classes;
            double[] sd = doubles(s), td = doubles(t);
            for (double[] ta : new double[][]{{4, 0.9}, {1, 0.5}, {2.5, 1}, {0.7, 0}}) {
                double temperature = ta[0], alpha = ta[1];
                double expected = loss(n, classes, sd, td, labels, temperature, alpha);
                for (LossKernels k : impls) {
                    float[] d = new float[s.length];
                    float got = k.distillation(n, classes, s, 0, t, 0, labels, 0, (float) temperature, (float) alpha, d, 0);
                    String what = k.getClass().getSimpleName() + " classes=" + classes + " T=" + temperature + " alpha=" + alpha;
                    assertEquals(expected, got, 2e-5 * Math.max(1, Math.abs(expected)), what);
                    for (int i = 0; i < s.length; i++) {
                        double h = 1e-4, saved = sd[i];
                        sd[i] = saved + h;
                        double up = loss(n, classes, sd, td, labels, temperature, alpha);
                        sd[i] = saved - h;
                        double down = loss(n, classes, sd, td, labels, temperature, alpha);
                        sd[i] = saved;
                        assertEquals((up - down) / (2 * h), d[i], 2e-6, what + ": dlogits[" + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void alphaZeroIsCrossEntropyAndASelfTeacherAddsNothing() {
        for (LossKernels k : impls) {
            for (int classes : new int[]{5, 10, 101}) {
                int n = 4;
                float[] s = random(classes * 3L, n * classes, 5f), t = random(classes * 5L, n * classes, 5f);
                int[] labels = {0, classes - 1, classes / 2, 1 % classes};
                float[] dce = new float[s.length], dkd = new float[s.length];
                float ce = k.softmaxCrossEntropy(n, classes, s, 0, labels, 0, 0f, dce, 0);
                float kd = k.distillation(n, classes, s, 0, t, 0, labels, 0, 4f, 0f, dkd, 0);
                assertEquals(ce, kd, 1e-5f * Math.max(1, ce));
                for (int i = 0; i < s.length; i++) assertEquals(dce[i], dkd[i], 1e-6f, "alpha=0 dlogits[" + i + "]");
                // teacher = student: KL and its gradient vanish, leaving (1 - α)·CE
                float self = k.distillation(n, classes, s, 0, s, 0, labels, 0, 3f, 0.75f, dkd, 0);
                assertEquals(0.25f * ce, self, 1e-5f * Math.max(1, ce));
                for (int i = 0; i < s.length; i++) assertEquals(0.25f * dce[i], dkd[i], 1e-6f, "self-teacher dlogits[" + i + "]");
            }
        }
    }

    @Test
    void hugeLogitsStayFinite() {
        for (LossKernels k : impls) {
            for (int classes : new int[]{3, 200}) {
                float[] s = new float[classes], t = new float[classes], d = new float[classes];
                s[0] = 1e4f;
                t[classes - 1] = 1e4f;
                float loss = k.distillation(1, classes, s, 0, t, 0, new int[]{classes - 1}, 0, 2f, 0.5f, d, 0);
                // 0.5·1e4 (CE) + 0.5·4·(1e4/2) (KL at T = 2)
                assertEquals(1.5e4f, loss, 2f);
                for (float g : d) assertEquals(true, Float.isFinite(g));
            }
        }
    }

    @Test
    void badArgumentsNameTheShapesAndRows() {
        for (LossKernels k : impls) {
            float[] z = new float[6];
            assertMessage(() -> k.distillation(2, 3, z, 0, z, 0, new int[]{0, 3}, 0, 4f, 0.9f, null, 0), "distillation: label 3 of row 1");
            assertMessage(() -> k.distillation(2, 3, z, 0, new float[5], 0, new int[2], 0, 4f, 0.9f, null, 0), "teacher [2, 3]");
            assertMessage(() -> k.distillation(2, 3, new float[5], 0, z, 0, new int[2], 0, 4f, 0.9f, null, 0), "logits [2, 3]");
            assertMessage(() -> k.distillation(2, 3, z, 0, z, 0, new int[2], 0, 4f, 0.9f, new float[5], 0), "dlogits [2, 3]");
            assertMessage(() -> k.distillation(2, 3, z, 0, z, 0, new int[2], 0, 0f, 0.9f, null, 0), "temperature");
            assertMessage(() -> k.distillation(2, 3, z, 0, z, 0, new int[2], 0, Float.POSITIVE_INFINITY, 0.9f, null, 0), "temperature");
            assertMessage(() -> k.distillation(2, 3, z, 0, z, 0, new int[2], 0, 4f, 1.1f, null, 0), "alpha");
            assertMessage(() -> k.distillation(2, 3, z, 0, z, 0, new int[2], 0, 4f, Float.NaN, null, 0), "alpha");
        }
    }
}
