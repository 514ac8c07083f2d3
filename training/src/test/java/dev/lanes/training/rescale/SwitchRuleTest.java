package dev.lanes.training.rescale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchRuleTest {
    /** The epoch the rule switches at on the loss curve L(e) = a·exp(−e/tau) + b. */
    private static int switchEpoch(SwitchRule rule, double tau, double costRatio, int total) {
        List<Double> losses = new ArrayList<>();
        losses.add(2.3);
        for (int e = 1; e <= total; e++) {
            losses.add(2.0 * Math.exp(-e / tau) + 0.3);
            if (rule.shouldSwitch(losses, costRatio, 1.0, total)) return e;
        }
        return -1;
    }

    @Test
    void onAnExponentialCurveItSwitchesWhereTheGainDropsBelowTheCostRatio() {
        // gains shrink by exp(−1/tau) per epoch after the first: they fall below ratio·best after ln(1/ratio)·tau epochs
        SwitchRule rule = new SwitchRule(1.0, 1, 1.0);
        double tau = 2, ratio = 0.25;
        int expected = 1 + (int) Math.floor(Math.log(1 / ratio) * tau) + 1;
        assertEquals(expected, switchEpoch(rule, tau, ratio, 40));
    }

    @Test
    void cheaperLowEpochsStayLonger() {
        SwitchRule rule = new SwitchRule(1.0, 1, 1.0);
        assertTrue(switchEpoch(rule, 3, 0.1, 40) > switchEpoch(rule, 3, 0.5, 40));
        assertTrue(switchEpoch(rule, 6, 0.3, 40) > switchEpoch(rule, 2, 0.3, 40), "slower-converging curves stay longer");
    }

    @Test
    void aPlateauOrARiseSwitchesAtOnce() {
        SwitchRule rule = SwitchRule.DEFAULT;
        assertTrue(rule.shouldSwitch(List.of(2.3, 1.0, 1.0), 0.1, 1, 20));
        assertTrue(rule.shouldSwitch(List.of(2.3, 1.0, 1.1), 0.1, 1, 20));
        assertFalse(rule.shouldSwitch(List.of(2.3, 1.0, 0.7), 0.1, 1, 20));
        assertTrue(rule.shouldSwitch(List.of(2.3, 1.0, Double.NaN), 0.1, 1, 20));
    }

    @Test
    void boundsOnTheLowPhase() {
        SwitchRule rule = new SwitchRule(1.0, 2, 0.5);
        assertFalse(rule.shouldSwitch(List.of(2.3, 2.3), 0.1, 1, 10), "at least two low epochs even on a plateau");
        assertTrue(rule.shouldSwitch(List.of(2.3, 2.0, 1.7, 1.4, 1.1, 0.8), 0.1, 1, 10), "at most half of ten epochs");
        assertThrows(IllegalArgumentException.class, () -> new SwitchRule(0, 1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SwitchRule(1, 1, 0));
    }
}
