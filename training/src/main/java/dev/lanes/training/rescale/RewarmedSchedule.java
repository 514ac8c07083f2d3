package dev.lanes.training.rescale;

import dev.lanes.nn.optim.LrSchedule;

/**
 * The run's schedule up to epoch {@code from} (0-based), then a fresh per-step cosine from {@code peak} to 0
 * over the remaining epochs up to {@code epochs}: a learning-rate re-warm for the full-resolution phase,
 * which starts from a model that must re-learn what low resolution could not see. It still ends at 0 at
 * the run's last step, as the baseline's schedule does.
 */
public record RewarmedSchedule(LrSchedule before, int from, float peak, int epochs) implements LrSchedule {
    public RewarmedSchedule {
        if (from < 0 || from >= epochs) throw new IllegalArgumentException("re-warm from epoch " + from + " of " + epochs + ": must be inside the run");
        LrSchedule.requireRate("re-warm peak", peak);
    }

    @Override
    public float rate(int epoch, int step, int stepsPerEpoch) {
        if (epoch < from) return before.rate(epoch, step, stepsPerEpoch);
        long t = LrSchedule.iteration(epoch - from, step, stepsPerEpoch);
        double progress = (double) t / ((long) (epochs - from) * stepsPerEpoch);
        if (progress >= 1.0) return 0f;
        return (float) (peak * 0.5 * (1.0 + Math.cos(Math.PI * progress)));
    }
}
