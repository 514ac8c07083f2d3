package dev.lanes.training.sparsity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import org.junit.jupiter.api.Test;

class SparsityCriteriaTest {
    @Test
    void activationCriterionOnConstructedMaps() {
        // 3 samples, 3 channels of 2×2: channel 0 always 0 (dead), channel 1 fires on one sample, channel 2 tiny but alive
        Tensor x = Tensor.zeros(3, 3, 2, 2);
        x.data()[(1 * 3 + 1) * 4 + 2] = 5f;
        for (int i = 0; i < 3; i++) x.data()[(i * 3 + 2) * 4] = 1e-9f;
        ChannelActivity a = new ChannelActivity(3);
        a.observeMaximum(x);
        a.observeSelectivity(x);
        assertTrue(a.deadByActivation(0));
        assertFalse(a.deadByActivation(1));
        assertFalse(a.deadByActivation(2), "1e-9 is above the 1e-12 threshold");
        assertEquals(1.0, a.selectivity(0));
        assertEquals(2.0 / 3, a.selectivity(1), 1e-12, "quiet on two of three samples");
        assertEquals(0.0, a.selectivity(2), 1e-12);
        assertEquals(5f, a.maximum(1));
    }

    @Test
    void worksOnFlatFeaturesAndNamesBadShapes() {
        ChannelActivity a = new ChannelActivity(2);
        a.observeMaximum(Tensor.of(new float[] {0, 1, 0, 2}, 2, 2));
        assertTrue(a.deadByActivation(0));
        var e = assertThrows(IllegalArgumentException.class, () -> a.observeMaximum(Tensor.zeros(2, 3, 1, 1)));
        assertTrue(e.getMessage().contains("[2, 3, 1, 1]"), e.getMessage());
    }

    @Test
    void gammaCriterionAndHistogram() {
        Tensor g = Tensor.of(new float[] {0f, -5e-4f, 2e-3f, -0.5f, 3f}, 5);
        assertTrue(GammaCriterion.dead(g, 0));
        assertTrue(GammaCriterion.dead(g, 1), "|γ| counts, not γ");
        assertFalse(GammaCriterion.dead(g, 2));
        assertArrayEquals(new int[] {1, 0, 0, 1, 1, 0, 1, 1}, GammaCriterion.histogram(g));
    }
}
