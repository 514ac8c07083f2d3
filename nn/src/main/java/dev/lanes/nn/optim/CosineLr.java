package dev.lanes.nn.optim;

/**
 * Cosine annealing from {@code base} towards {@code min} over {@code epochs} epochs (PyTorch's
 * {@code CosineAnnealingLR} with {@code T_max} the whole run, no restarts):
 * {@code min + (base - min) * (1 + cos(pi * p)) / 2} with progress {@code p = t / T} in [0, 1).
 *
 * <p>{@link #perIteration} takes t as the global iteration and T as {@code epochs * stepsPerEpoch}, so the
 * rate falls smoothly and the last step's rate is within {@code (base - min) * (pi/2T)^2} of {@code min}.
 * {@link #perEpoch} takes t = epoch and T = epochs: constant within an epoch, and the last epoch still runs
 * at {@code (1 + cos(pi (E-1)/E)) / 2} of the way (2.4% of base for 10 epochs). Past the end the rate stays
 * at {@code min}.
 */
public record CosineLr(float base, float min, int epochs, boolean iterationGranular) implements LrSchedule {
    public CosineLr {
        LrSchedule.requireRate("CosineLr base rate", base);
        LrSchedule.requireRate("CosineLr min rate", min);
        if (min > base) throw new IllegalArgumentException("CosineLr min rate " + min + " exceeds base rate " + base);
        if (epochs <= 0) throw new IllegalArgumentException("CosineLr epochs must be positive but is " + epochs);
    }

    /** Annealed every iteration (recommended). */
    public static CosineLr perIteration(float base, float min, int epochs) {
        return new CosineLr(base, min, epochs, true);
    }

    /** Annealed once per epoch. */
    public static CosineLr perEpoch(float base, float min, int epochs) {
        return new CosineLr(base, min, epochs, false);
    }

    @Override
    public float rate(int epoch, int step, int stepsPerEpoch) {
        long t = LrSchedule.iteration(epoch, step, stepsPerEpoch);
        double progress = iterationGranular ? (double) t / ((long) epochs * stepsPerEpoch) : (double) epoch / epochs;
        if (progress >= 1.0) return min;
        return (float) (min + (base - (double) min) * 0.5 * (1.0 + Math.cos(Math.PI * progress)));
    }
}
