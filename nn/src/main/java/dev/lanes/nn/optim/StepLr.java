package dev.lanes.nn.optim;

/**
 * Per-epoch step decay, PyTorch's {@code StepLR}: {@code base * gamma^floor(epoch / everyEpochs)}.
 * Constant within an epoch.
 */
public record StepLr(float base, int everyEpochs, float gamma) implements LrSchedule {
    public StepLr {
        LrSchedule.requireRate("StepLr base rate", base);
        if (everyEpochs <= 0) throw new IllegalArgumentException("StepLr everyEpochs must be positive but is " + everyEpochs);
        if (!(gamma > 0f && gamma <= 1f)) throw new IllegalArgumentException("StepLr gamma must be in (0, 1] but is " + gamma);
    }

    @Override
    public float rate(int epoch, int step, int stepsPerEpoch) {
        LrSchedule.check(epoch, step, stepsPerEpoch);
        return (float) (base * Math.pow(gamma, epoch / everyEpochs));
    }
}
