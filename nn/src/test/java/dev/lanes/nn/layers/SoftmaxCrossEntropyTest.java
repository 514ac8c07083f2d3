package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SoftmaxCrossEntropyTest {
    @Property(tries = 30)
    void gradientMatchesDifferencesAndLossMatchesDoubleReference(@ForAll @IntRange(min = 1, max = 5) int n,
                                                                 @ForAll @IntRange(min = 2, max = 7) int k,
                                                                 @ForAll @IntRange(min = 0, max = 3) int tenthsSmoothing,
                                                                 @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float smoothing = tenthsSmoothing / 10f;
        Tensor logits = GradCheck.uniform(rng, 3, n, k);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(k);
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(smoothing);
        float loss = ce.forward(logits, labels);
        assertEquals(reference(logits, labels, smoothing), loss, 1e-4 * (1 + loss));
        Tensor grad = ce.backward().copy();
        double h = 1e-2;
        for (int i = 0; i < logits.size(); i++) {
            float saved = logits.data()[i];
            logits.data()[i] = (float) (saved + h);
            double plus = reference(logits, labels, smoothing);
            logits.data()[i] = (float) (saved - h);
            double minus = reference(logits, labels, smoothing);
            logits.data()[i] = saved;
            assertEquals((plus - minus) / (2 * h), grad.data()[i], 1e-3, "dlogits[" + i + "]");
        }
    }

    private static double reference(Tensor logits, int[] labels, float smoothing) {
        int n = logits.dim(0), k = logits.dim(1);
        double total = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, logits.get(r, j));
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.exp(logits.get(r, j) - max);
            double logZ = max + Math.log(sum);
            for (int j = 0; j < k; j++) {
                double t = (j == labels[r] ? 1 - smoothing : 0) + smoothing / k;
                total -= t * (logits.get(r, j) - logZ);
            }
        }
        return total / n;
    }

    @Test
    void accuracyCountsArgmaxHits() {
        Tensor logits = Tensor.of(new float[]{0, 2, 1, 5, 0, 0, 0, 0, 9}, 3, 3);
        assertEquals(2, SoftmaxCrossEntropy.correct(logits, new int[]{1, 0, 0}, 0));
        assertEquals(2f / 3, SoftmaxCrossEntropy.accuracy(logits, new int[]{1, 0, 0}), 1e-6);
        assertEquals(3, SoftmaxCrossEntropy.correct(logits, new int[]{7, 1, 0, 2}, 1));
    }

    @Test
    void errorsNameTheProblem() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        assertThrows(IllegalStateException.class, ce::backward);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ce.forward(Tensor.zeros(2, 3), new int[]{0}));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ce.forward(Tensor.zeros(2, 3, 1), new int[]{0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxCrossEntropy(1f));
    }
}
