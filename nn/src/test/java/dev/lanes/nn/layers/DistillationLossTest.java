package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The layer's gradient against finite differences of its own forward, and its shape checks. */
class DistillationLossTest {
    @Test
    void gradientMatchesFiniteDifferencesOfForward() {
        int n = 4, k = 9;
        SplittableRandom r = new SplittableRandom(7);
        float[] s = new float[n * k], t = new float[n * k + 2];
        for (int i = 0; i < s.length; i++) s[i] = (float) (r.nextDouble() * 6 - 3);
        for (int i = 0; i < t.length; i++) t[i] = (float) (r.nextDouble() * 8 - 4);
        int[] labels = {9, 0, 8, 3, 5}; // read from offset 1
        DistillationLoss kd = new DistillationLoss(4f, 0.9f);
        Tensor logits = Tensor.wrap(s, 0, n, k);
        kd.forward(logits, t, 2, labels, 1);
        float[] g = kd.backward().data().clone();
        for (int i = 0; i < s.length; i++) {
            float saved = s[i], h = 1e-2f;
            s[i] = saved + h;
            double up = kd.forward(logits, t, 2, labels, 1);
            s[i] = saved - h;
            double down = kd.forward(logits, t, 2, labels, 1);
            s[i] = saved;
            assertEquals((up - down) / (2 * h), g[i], 2e-4, "dlogits[" + i + "]");
        }
    }

    @Test
    void refusesBadShapesAndOptions() {
        DistillationLoss kd = new DistillationLoss(2f, 0.5f);
        Tensor logits = Tensor.wrap(new float[6], 0, 2, 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> kd.forward(logits, new float[5], 0, new int[2], 0))
                .getMessage().contains("teacher logits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> kd.forward(logits, new float[6], 0, new int[1], 0))
                .getMessage().contains("labels"));
        assertThrows(IllegalStateException.class, kd::backward);
        assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(0f, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(4f, -0.1f));
    }
}
