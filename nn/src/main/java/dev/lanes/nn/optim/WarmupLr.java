package dev.lanes.nn.optim;

/**
 * Linear warm-up over the first {@code warmupSteps} iterations, then {@code after}: at global iteration
 * {@code i < warmupSteps} the rate is {@code after.rate(...) * (i + 1) / warmupSteps}. Per-iteration whatever
 * {@code after} is; the wrapped schedule keeps running on the same clock (it is not shifted by the warm-up),
 * and the first step already gets a non-zero rate rather than a wasted zero-rate step.
 */
public record WarmupLr(LrSchedule after, int warmupSteps) implements LrSchedule {
    public WarmupLr {
        if (after == null) throw new IllegalArgumentException("WarmupLr needs a schedule to warm up into");
        if (warmupSteps < 0) throw new IllegalArgumentException("WarmupLr warmupSteps must be >= 0 but is " + warmupSteps);
    }

    @Override
    public float rate(int epoch, int step, int stepsPerEpoch) {
        long i = LrSchedule.iteration(epoch, step, stepsPerEpoch);
        float r = after.rate(epoch, step, stepsPerEpoch);
        return i >= warmupSteps ? r : (float) (r * (double) (i + 1) / warmupSteps);
    }
}
