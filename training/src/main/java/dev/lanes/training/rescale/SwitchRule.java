package dev.lanes.training.rescale;

import java.util.List;

/**
 * When the low-resolution phase stops paying for itself (our design; the paper's rule was not available).
 *
 * <p>After low-resolution epoch e the validation loss fell by ΔL_e = L_{e−1} − L_e in t_low seconds. A
 * full-resolution epoch costs t_full seconds and, early on, improves the loss at least as much as the best
 * low-resolution epoch did (ΔL_max), so the full phase is expected to deliver ΔL_max / t_full per second. The
 * low phase keeps paying while ΔL_e / t_low ≥ ΔL_max / t_full, i.e. while its gain, relative to its best,
 * stays above the cost ratio t_low / t_full. The rule switches at the first epoch where
 * ΔL_e < {@code margin} · ΔL_max · t_low / t_full (a plateau or a rise switches at once), after at least
 * {@code minEpochs} low epochs and at the latest after {@code maxFraction} of all epochs.
 *
 * <p>Defaults ({@link #DEFAULT}): margin 1, at least 1 epoch, at most half of the epochs.
 */
public record SwitchRule(double margin, int minEpochs, double maxFraction) {
    public static final SwitchRule DEFAULT = new SwitchRule(1.0, 1, 0.5);

    public SwitchRule {
        if (!(margin > 0) || minEpochs < 1 || !(maxFraction > 0 && maxFraction <= 1))
            throw new IllegalArgumentException("switch rule needs margin > 0, min epochs >= 1, max fraction in (0, 1] but got margin=" + margin
                    + " min=" + minEpochs + " max=" + maxFraction);
    }

    /**
     * @param losses      validation loss before training (index 0) and after each low-resolution epoch
     * @param lowSeconds  wall time of one low-resolution epoch
     * @param fullSeconds (estimated) wall time of one full-resolution epoch
     * @param totalEpochs the run's epochs (both phases)
     */
    public boolean shouldSwitch(List<Double> losses, double lowSeconds, double fullSeconds, int totalEpochs) {
        int done = losses.size() - 1;
        if (done < minEpochs) return false;
        if (done >= Math.max(minEpochs, (int) Math.floor(maxFraction * totalEpochs))) return true;
        double best = 0;
        for (int e = 1; e <= done; e++) best = Math.max(best, losses.get(e - 1) - losses.get(e));
        double last = losses.get(done - 1) - losses.get(done);
        if (!(last > 0) || !Double.isFinite(last)) return true;
        return last < margin * best * lowSeconds / fullSeconds;
    }
}
