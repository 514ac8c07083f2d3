package dev.lanes.training.methods;

import dev.lanes.training.TrainingState;
import dev.lanes.training.freeze.ActivationCache;
import java.nio.file.Path;

/**
 * {@code freezeout[:t0=T,keep=K,cache=half|full|off,budget=MB,spill=DIR]}: a fixed freezing schedule after
 * FreezeOut (Brock et al. 2017), the reference point for {@link Freeze}. Of the L = stages − K freezable stages,
 * stage i (0-based) freezes once the fraction t_i = t0 + (1 − t0)·i/L of the epochs is done (the head, at
 * t = 1, never freezes): the linear schedule of FreezeOut, at epoch granularity. Unlike FreezeOut, the learning
 * rate of a stage is not annealed to zero on its own schedule before it freezes (every stage follows the run's
 * schedule until it stops); frozen stages are cached exactly as by {@link Freeze}. Defaults: t0 0.5, keep 1;
 * {@code cache}, {@code budget}, {@code spill} as in {@link PrefixFreezing}.
 */
public final class FreezeOut extends PrefixFreezing {
    public static final String NAME = "freezeout";
    private final double t0;
    private final int keep;

    public FreezeOut(double t0, int keep, ActivationCache.Precision precision, long budgetBytes, Path spillDir) {
        super(precision, budgetBytes, spillDir);
        if (!(t0 > 0 && t0 <= 1) || keep < 1) throw new IllegalArgumentException(NAME + ": needs t0 in (0, 1] and keep >= 1 but got t0=" + t0 + " keep=" + keep);
        this.t0 = t0;
        this.keep = keep;
    }

    static FreezeOut of(MethodSpec spec) {
        spec.allowOnly("t0", "keep", "cache", "budget", "spill");
        return new FreezeOut(number(spec, "t0", 0.5, Double.MIN_VALUE, 1), spec.intOption("keep", 1, 1, 10_000), precision(spec),
                budget(spec), spill(spec));
    }

    @Override
    public String name() { return NAME; }

    @Override
    void start(TrainingState state) {
        if (keep >= stages.count()) throw new IllegalArgumentException(NAME + ": keep=" + keep + " leaves nothing to freeze in " + stages.count() + " stages");
    }

    /** The fraction of training after which stage {@code i} of {@code freezable} freezes. */
    static double freezeAt(double t0, int i, int freezable) { return t0 + (1 - t0) * i / freezable; }

    @Override
    int decide(TrainingState state, int epoch, int current) {
        int freezable = stages.count() - keep;
        double done = (double) epoch / state.epochs();
        int prefix = current;
        while (prefix < freezable && done >= freezeAt(t0, prefix, freezable) - 1e-12) prefix++;
        return prefix;
    }
}
