package dev.lanes.nn.optim;

/**
 * The learning rate as a function of training progress. The trainer calls {@link #rate} before every
 * optimizer step with the 0-based {@code epoch}, the 0-based {@code step} within that epoch and the number of
 * steps in an epoch, and passes the result to {@link Optimizer#setLearningRate}.
 *
 * <p>Per-epoch schedules ({@link StepLr}, and {@link CosineLr#perEpoch}) ignore {@code step}: the rate is
 * constant within an epoch, like PyTorch's schedulers stepped once per epoch. Per-iteration schedules
 * ({@link CosineLr#perIteration}, {@link WarmupLr}) use the global iteration
 * {@code epoch * stepsPerEpoch + step}; for cosine this avoids the staircase, which matters on short runs.
 */
@FunctionalInterface
public interface LrSchedule {
    float rate(int epoch, int step, int stepsPerEpoch);

    /** The same rate throughout. */
    static LrSchedule constant(float rate) {
        requireRate("constant rate", rate);
        return (epoch, step, stepsPerEpoch) -> {
            check(epoch, step, stepsPerEpoch);
            return rate;
        };
    }

    /** The global 0-based iteration; checks the arguments. */
    static long iteration(int epoch, int step, int stepsPerEpoch) {
        check(epoch, step, stepsPerEpoch);
        return (long) epoch * stepsPerEpoch + step;
    }

    /** Rejects a negative epoch or step, a step past the epoch, or a non-positive epoch length. */
    static void check(int epoch, int step, int stepsPerEpoch) {
        if (epoch < 0 || step < 0 || stepsPerEpoch <= 0 || step >= stepsPerEpoch) {
            throw new IllegalArgumentException("learning-rate schedule: need epoch >= 0 and 0 <= step < stepsPerEpoch, got epoch "
                    + epoch + ", step " + step + ", stepsPerEpoch " + stepsPerEpoch);
        }
    }

    static void requireRate(String what, float rate) {
        if (!(rate >= 0f) || Float.isInfinite(rate)) throw new IllegalArgumentException(what + " must be finite and >= 0 but is " + rate);
    }
}
