package dev.lanes.training.rescale;

import java.util.List;

/**
 * When the low-resolution phase stops paying for itself (our design; the paper's rule was not available).
 *
 * <p>After low-resolution epoch e the validation loss (measured at low resolution) fell by
 * ΔL_e = L_{e−1} − L_e, in t_low seconds. A full-resolution epoch costs t_full seconds; we expect it to improve
 * the loss about as much as the best low-resolution epoch did once past the first (ΔL_ref = max ΔL_e over
 * e ≥ 2: the first epoch's drop from the random initialisation says nothing about later epochs, and would
 * make every later gain look negligible). The low phase keeps paying while ΔL_e / t_low ≥ ΔL_ref / t_full,
 * so the rule switches at the first epoch where
 * <pre>  ΔL_e &lt; margin · ΔL_ref · t_low / t_full</pre>
 * or the loss stopped falling (a plateau or a rise switches at once); never before {@code minEpochs} low
 * epochs and at the latest after {@code floor(maxFraction · epochs)} of them. The cost ratio t_low / t_full
 * comes from the caller (the rescale method measures it with {@link StepTimer}).
 *
 * <p>Defaults ({@link #DEFAULT}): margin 1, at least 2 epochs (the first gain that can be judged), at most
 * 40% of the epochs: the full-resolution phase needs time to recover what low resolution cannot learn (on
 * Fashion-MNIST with gap-cnn, 6 epochs, one seed: 2 low epochs ended 0.05 points above the baseline, 3 low
 * epochs 0.39 points below it). With a low-resolution epoch costing about a fifth of a full one, the rule
 * rarely sees a gain small enough to switch earlier on short runs, so the cap decides there; on long runs
 * the loss curve flattens and the rule switches before it.
 */
public record SwitchRule(double margin, int minEpochs, double maxFraction) {
    public static final SwitchRule DEFAULT = new SwitchRule(1.0, 2, 0.4);

    public SwitchRule {
        if (!(margin > 0) || minEpochs < 1 || !(maxFraction > 0 && maxFraction <= 1))
            throw new IllegalArgumentException("switch rule needs margin > 0, min epochs >= 1, max fraction in (0, 1] but got margin=" + margin
                    + " min=" + minEpochs + " max=" + maxFraction);
    }

    /** The most low-resolution epochs a run of {@code totalEpochs} may have. */
    public int maxEpochs(int totalEpochs) { return Math.max(minEpochs, (int) Math.floor(maxFraction * totalEpochs)); }

    /**
     * @param losses      validation loss after each low-resolution epoch so far (index 0: after epoch 1)
     * @param costRatio   t_low / t_full, the cost of a low-resolution epoch relative to a full one
     * @param totalEpochs the run's epochs (both phases)
     */
    public boolean shouldSwitch(List<Double> losses, double costRatio, int totalEpochs) {
        if (!(costRatio > 0)) throw new IllegalArgumentException("switch rule: cost ratio must be > 0 but is " + costRatio);
        int done = losses.size();
        if (done < minEpochs) return false;
        if (done >= maxEpochs(totalEpochs)) return true;
        if (done < 2) return false; // no gain past the first epoch yet
        double last = losses.get(done - 2) - losses.get(done - 1);
        if (!(last > 0) || !Double.isFinite(last)) return true;
        double ref = 0;
        for (int e = 1; e < done; e++) ref = Math.max(ref, losses.get(e - 1) - losses.get(e));
        return last < margin * ref * costRatio;
    }
}
