package dev.lanes.training.freeze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreezeRuleTest {
    private static List<double[]> history(double[]... checks) { return new ArrayList<>(List.of(checks)); }

    @Test
    void nothingFreezesDuringTheWarmUp() {
        FreezeRule rule = new FreezeRule(2, 0.5, true, 1, 1);
        assertEquals(0, rule.frozenPrefix(history(new double[] {1e-9, 1, 1, 1}), 0));
        assertEquals(0, rule.frozenPrefix(history(new double[] {1e-9, 1, 1, 1}, new double[] {1e-9, 1, 1, 1}), 0));
        assertEquals(1, rule.frozenPrefix(history(new double[] {1e-9, 1, 1, 1}, new double[] {1e-9, 1, 1, 1}, new double[] {1e-9, 1, 1, 1}), 0));
    }

    @Test
    void aStageFreezesOnlyAfterEveryStageBeforeIt() {
        FreezeRule rule = new FreezeRule(0, 0.5, true, 1, 1);
        // stage 1 has stopped but stage 0 still learns: nothing freezes
        assertEquals(0, rule.frozenPrefix(history(new double[] {1, 0.01, 1, 1}), 0));
        // both stopped, stage 2 not: a prefix of two
        assertEquals(2, rule.frozenPrefix(history(new double[] {0.01, 0.01, 1, 1}), 0));
    }

    @Test
    void theHeadNeverFreezesAndPrefixesNeverShrink() {
        FreezeRule rule = new FreezeRule(0, 0.5, false, 1, 1);
        assertEquals(3, rule.frozenPrefix(history(new double[] {0.1, 0.1, 0.1, 0.1}), 0));
        assertEquals(2, rule.frozenPrefix(history(new double[] {1, 1, 1, 1}), 2));
    }

    @Test
    void patienceNeedsConsecutiveLowChecks() {
        FreezeRule rule = new FreezeRule(0, 0.5, true, 2, 1);
        double[] low = {0.01, 1, 1}, high = {1, 1, 1};
        assertEquals(0, rule.frozenPrefix(history(high, low), 0));
        assertEquals(0, rule.frozenPrefix(history(low, high, low), 0));
        assertEquals(1, rule.frozenPrefix(history(high, low, low), 0));
    }

    @Test
    void stagesWithoutParametersDoNotHoldAFreezeBack() {
        // conv (stopped), relu (no parameters: 0), conv (stopped), head
        FreezeRule absolute = new FreezeRule(0, 0.05, false, 1, 1);
        assertEquals(3, absolute.frozenPrefix(history(new double[] {0.01, 0, 0.02, 1}), 0));
        // the median leaves parameterless stages out: median(0.01, 0.02, 1) = 0.02
        assertEquals(0.5 * 0.02, FreezeRule.DEFAULT.threshold(new double[] {0.01, 0, 0.02, 1}), 1e-15);
    }

    @Test
    void decaysLikeATrainingRunFreezeFrontToBack() {
        // synthetic trajectories: stage i's relative change decays as 1/(1 + t·(n − i)): early stages settle first
        FreezeRule rule = FreezeRule.DEFAULT;
        int n = 5;
        List<double[]> h = new ArrayList<>();
        int prefix = 0;
        int[] prefixes = new int[8];
        for (int t = 0; t < 8; t++) {
            double[] s = new double[n];
            for (int i = 0; i < n; i++) s[i] = 1.0 / (1 + Math.pow(t * (n - i), 2));
            h.add(s);
            prefix = rule.frozenPrefix(h, prefix);
            prefixes[t] = prefix;
        }
        for (int t = 1; t < 8; t++) assertEquals(true, prefixes[t] >= prefixes[t - 1]);
        assertEquals(0, prefixes[1], "warm-up");
        assertEquals(true, prefixes[7] >= 1 && prefixes[7] <= n - 1, "froze a prefix, kept the head: " + java.util.Arrays.toString(prefixes));
    }

    @Test
    void decayComparesEachStageWithItsOwnPeak() {
        FreezeRule rule = new FreezeRule(0, 0.5, FreezeRule.Threshold.DECAY, 1, 1);
        // at its first check a stage is at its peak: nothing can stop
        assertEquals(0, rule.frozenPrefix(history(new double[] {1, 0.1, 5}), 0));
        // stage 0 falls to 0.4 of its peak, stage 1 only to 0.6 of its own (small) peak: a prefix of one, though 0.06 < 0.4
        assertEquals(1, rule.frozenPrefix(history(new double[] {1, 0.1, 5}, new double[] {0.4, 0.06, 5}), 0));
        // the peak, not the first score: stage 0 rose to 4, so 1.5 is below half its peak (and far above half its first score)
        assertEquals(2, rule.frozenPrefix(history(new double[] {1, 0.1, 5}, new double[] {4, 0.01, 5}, new double[] {1.5, 0.01, 5}), 0));
        assertEquals(1.0, rule.threshold(history(new double[] {1, 0.1, 5}, new double[] {2, 0.01, 5}), 1, 0), 0);
        assertThrows(IllegalStateException.class, () -> rule.threshold(new double[] {1, 2}));
    }

    @Test
    void decayFreezesEarlyStagesOfATrajectoryFirst() {
        // stage i's score decays as exp(−t / (1 + i)): the front settles fastest; patience 2 needs two checks below half the peak
        FreezeRule rule = new FreezeRule(1, 0.5, FreezeRule.Threshold.DECAY, 2, 1);
        List<double[]> h = new ArrayList<>();
        int prefix = 0;
        int[] prefixes = new int[6];
        for (int t = 0; t < 6; t++) {
            double[] s = new double[4];
            for (int i = 0; i < 4; i++) s[i] = Math.exp(-t / (1.0 + i));
            h.add(s);
            prefixes[t] = prefix = rule.frozenPrefix(h, prefix);
        }
        // stage 0 is below 0.5 from t = 1 (e^-1), stage 1 from t = 2 (e^-1), stage 2 from t = 3 (e^-1): with patience 2, one check later
        assertArrayEquals(new int[] {0, 0, 1, 2, 3, 3}, prefixes);
    }

    /** The first check's jump away from the initialisation sets DECAY's peak; SETTLED measures from the checks after the warm-up. */
    @Test
    void settledIgnoresTheWarmUpChecksPeak() {
        // stage 0: a large first move (10), then 3, 2.5, 1: below half of 10 from the second check, below half of 3 only at the fourth
        List<double[]> h = history(new double[] {10, 5}, new double[] {3, 5}, new double[] {2.5, 5}, new double[] {1, 5});
        FreezeRule decay = new FreezeRule(1, 0.5, FreezeRule.Threshold.DECAY, 1, 1);
        FreezeRule settled = new FreezeRule(1, 0.5, FreezeRule.Threshold.SETTLED, 1, 1);
        int[] byDecay = new int[4], bySettled = new int[4];
        for (int t = 1; t <= 4; t++) {
            byDecay[t - 1] = decay.frozenPrefix(h.subList(0, t), 0);
            bySettled[t - 1] = settled.frozenPrefix(h.subList(0, t), 0);
        }
        assertArrayEquals(new int[] {0, 1, 1, 1}, byDecay);
        assertArrayEquals(new int[] {0, 0, 0, 1}, bySettled);
        assertEquals(1.5, settled.threshold(h, 2, 0), 0);
        assertThrows(IllegalStateException.class, () -> settled.threshold(new double[] {1, 2}));
    }

    @Test
    void refusesMeaninglessSettings() {
        assertThrows(IllegalArgumentException.class, () -> new FreezeRule(0, 0, true, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FreezeRule(0, 0.5, true, 0, 1));
    }

    @Test
    void scorerMeasuresRelativeChange() {
        Tensor w = Tensor.full(2f, 4); // ‖w‖ = 4
        Tensor b = Tensor.full(0f, 2);
        StageScorer scorer = new StageScorer(List.of(List.of(w, b), List.of()));
        w.data()[0] = 5f; // change of 3
        double[] s = scorer.check();
        assertArrayEquals(new double[] {3.0 / 4.0, 0}, s, 1e-9);
        assertArrayEquals(new double[] {0, 0}, scorer.check(), 0, "no change since the last check");
    }
}
