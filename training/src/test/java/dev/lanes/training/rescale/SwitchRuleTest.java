package dev.lanes.training.rescale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SwitchRuleTest {
    /** The low epoch after which the rule switches on the validation-loss curve {@code loss(e)}, e = 1, 2, ... */
    private static int switchEpoch(SwitchRule rule, IntToDoubleFunction loss, double costRatio, int total) {
        List<Double> losses = new ArrayList<>();
        for (int e = 1; e <= total; e++) {
            losses.add(loss.applyAsDouble(e));
            if (rule.shouldSwitch(losses, costRatio, total)) return e;
        }
        return -1;
    }

    private static IntToDoubleFunction exponential(double tau) { return e -> 2.0 * Math.exp(-e / tau) + 0.3; }

    @Property(tries = 200)
    void onAnExponentialCurveItSwitchesWhereTheGainFallsBelowTheCostRatio(@ForAll @DoubleRange(min = 0.5, max = 6) double tau,
                                                                           @ForAll @DoubleRange(min = 0.05, max = 0.9) double ratio) {
        // gains after epoch 2 shrink by exp(−1/tau) per epoch: below ratio·ΔL_2 once e − 2 > tau·ln(1/ratio)
        double x = tau * Math.log(1 / ratio);
        if (Math.abs(x - Math.rint(x)) < 1e-6) return; // on the boundary rounding decides
        int expected = 2 + (int) Math.floor(x) + 1;
        assertEquals(expected, switchEpoch(new SwitchRule(1.0, 2, 1.0), exponential(tau), ratio, 200));
    }

    @Test
    void cheaperLowEpochsAndSlowerCurvesStayLonger() {
        SwitchRule rule = new SwitchRule(1.0, 2, 1.0);
        assertTrue(switchEpoch(rule, exponential(3), 0.1, 40) > switchEpoch(rule, exponential(3), 0.5, 40));
        assertTrue(switchEpoch(rule, exponential(6), 0.3, 40) > switchEpoch(rule, exponential(2), 0.3, 40));
        assertTrue(switchEpoch(new SwitchRule(0.5, 2, 1.0), exponential(3), 0.3, 40) > switchEpoch(rule, exponential(3), 0.3, 40),
                "a smaller margin stays longer");
    }

    @Test
    void theFirstEpochsDropFromTheInitialisationIsNotTheReference() {
        // epoch 1 fell from ~2.3 to 0.9; the later gains 0.3, 0.15, 0.075 halve: with ratio 0.3 the first below 0.3·0.3 is epoch 4's
        List<Double> curve = List.of(0.9, 0.6, 0.45, 0.375, 0.3375);
        SwitchRule rule = new SwitchRule(1.0, 2, 1.0);
        assertEquals(4, switchEpoch(rule, e -> curve.get(e - 1), 0.3, 5));
    }

    @Test
    void aPlateauOrARiseSwitchesAtOnce() {
        SwitchRule rule = SwitchRule.DEFAULT;
        assertTrue(rule.shouldSwitch(List.of(1.0, 1.0), 0.1, 20));
        assertTrue(rule.shouldSwitch(List.of(1.0, 0.7, 0.75), 0.1, 20));
        assertFalse(rule.shouldSwitch(List.of(1.0, 0.7), 0.1, 20));
        assertFalse(rule.shouldSwitch(List.of(1.0, 0.7, 0.5), 0.1, 20));
        assertTrue(rule.shouldSwitch(List.of(1.0, 0.7, Double.NaN), 0.1, 20));
    }

    @Property(tries = 100)
    void theLowPhaseStaysWithinItsBounds(@ForAll @IntRange(min = 1, max = 4) int min, @ForAll @DoubleRange(min = 0.1, max = 1) double max,
                                         @ForAll @IntRange(min = 2, max = 30) int total, @ForAll @DoubleRange(min = 0.3, max = 20) double tau) {
        SwitchRule rule = new SwitchRule(1.0, min, max);
        int e = switchEpoch(rule, exponential(tau), 0.3, total);
        int cap = Math.max(min, (int) Math.floor(max * total));
        if (cap <= total) {
            assertTrue(e >= min && e <= cap, "switched after " + e + " of " + total + " (min " + min + ", cap " + cap + ")");
        } else {
            assertTrue(e == -1 || e >= min, "switched after " + e);
        }
    }

    @Test
    void defaultsAndBadRules() {
        assertEquals(new SwitchRule(1.0, 2, 0.4), SwitchRule.DEFAULT);
        assertEquals(2, SwitchRule.DEFAULT.maxEpochs(6));
        assertEquals(4, SwitchRule.DEFAULT.maxEpochs(10));
        SwitchRule rule = new SwitchRule(1.0, 2, 0.5);
        assertFalse(rule.shouldSwitch(List.of(2.3), 0.1, 10), "at least two low epochs even on a plateau");
        assertTrue(rule.shouldSwitch(List.of(2.0, 1.7, 1.4, 1.1, 0.8), 0.1, 10), "at most half of ten epochs");
        assertThrows(IllegalArgumentException.class, () -> new SwitchRule(0, 1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SwitchRule(1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> rule.shouldSwitch(List.of(1.0, 0.5), 0, 10));
    }
}
