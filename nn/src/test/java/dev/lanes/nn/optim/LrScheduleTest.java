package dev.lanes.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    @Test
    void stepLrDecaysOncePerPeriodAndIgnoresTheStep() {
        StepLr s = new StepLr(0.1f, 3, 0.5f);
        assertEquals(0.1f, s.rate(0, 0, 10));
        assertEquals(0.1f, s.rate(2, 9, 10));
        assertEquals(0.05f, s.rate(3, 0, 10));
        assertEquals(0.025f, s.rate(6, 4, 10));
    }

    @Test
    void cosinePerIterationFallsSmoothlyToNearMin() {
        CosineLr s = CosineLr.perIteration(0.1f, 0.001f, 10);
        assertEquals(0.1f, s.rate(0, 0, 100));
        assertEquals((0.1f + 0.001f) / 2, s.rate(5, 0, 100), 1e-7f);
        assertTrue(s.rate(0, 1, 100) < s.rate(0, 0, 100), "changes within an epoch");
        float last = s.rate(9, 99, 100);
        assertTrue(last > 0.001f && last < 0.001f + 1e-6f, "last step " + last);
        assertEquals(0.001f, s.rate(10, 0, 100));
    }

    @Test
    void cosinePerEpochIsConstantWithinAnEpoch() {
        CosineLr s = CosineLr.perEpoch(1f, 0f, 10);
        assertEquals(s.rate(3, 0, 50), s.rate(3, 49, 50));
        assertEquals(0.5f, s.rate(5, 7, 50), 1e-6f);
        assertEquals((1 + Math.cos(Math.PI * 0.9)) / 2, s.rate(9, 0, 50), 1e-6);
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        WarmupLr s = new WarmupLr(CosineLr.perIteration(0.1f, 0f, 4), 20);
        float inner = CosineLr.perIteration(0.1f, 0f, 4).rate(0, 0, 10);
        assertEquals(inner / 20, s.rate(0, 0, 10), 1e-9f);
        assertEquals(CosineLr.perIteration(0.1f, 0f, 4).rate(1, 4, 10) * 15 / 20, s.rate(1, 4, 10), 1e-7f);
        assertEquals(CosineLr.perIteration(0.1f, 0f, 4).rate(1, 9, 10), s.rate(1, 9, 10), 1e-9f);
        assertEquals(CosineLr.perIteration(0.1f, 0f, 4).rate(2, 0, 10), s.rate(2, 0, 10));
        assertEquals(0.3f, new WarmupLr(LrSchedule.constant(0.3f), 0).rate(0, 0, 1));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(0.1f).rate(0, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(0.1f).rate(-1, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new StepLr(0.1f, 0, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> CosineLr.perIteration(0.1f, 0.2f, 3));
        assertThrows(IllegalArgumentException.class, () -> new WarmupLr(null, 3));
    }
}
