package dev.lanes.training.freeze;

import java.util.Arrays;
import java.util.List;

/**
 * When a prefix of stages has stopped learning. A stage has stopped once its score stayed below its threshold
 * for {@code patience} consecutive checks. The threshold at a check is, by {@link Threshold}: {@code tau} times
 * the median score of the learnable stages at that check (MEDIAN: the rule does not depend on the learning
 * rate's scale, and asks which stages learn less than the others); {@code tau} itself (ABSOLUTE); or {@code tau}
 * times the stage's own highest score up to that check (DECAY: the stage's learning has fallen to a fraction of
 * its peak); or {@code tau} times its highest score among the checks after the warm-up (SETTLED: the first
 * epoch's move away from the initialisation is the peak DECAY measures against, so a stage that still learns
 * fast has already halved from it; SETTLED measures from what the stage did once the warm-up was over). No
 * decision is taken during the first {@code warmup} checks. A stage freezes only when every stage before it is
 * frozen, the last {@code keepTrainable} stages (the classifier head) never freeze, and a prefix
 * never shrinks.
 *
 * <p>Defaults ({@link #DEFAULT}): warm-up 2 checks, tau 0.5 relative to the median, patience 1, the last stage
 * kept. Stages without parameters (score exactly 0) count as stopped and are left out of the median.
 */
public record FreezeRule(int warmup, double tau, Threshold mode, int patience, int keepTrainable) {
    public enum Threshold { MEDIAN, ABSOLUTE, DECAY, SETTLED }

    public static final FreezeRule DEFAULT = new FreezeRule(2, 0.5, Threshold.MEDIAN, 1, 1);

    public FreezeRule {
        if (warmup < 0 || patience < 1 || keepTrainable < 1 || !(tau > 0) || mode == null)
            throw new IllegalArgumentException("freeze rule needs warmup >= 0, patience >= 1, keep >= 1, tau > 0 and a threshold mode but got warmup="
                    + warmup + " tau=" + tau + " patience=" + patience + " keep=" + keepTrainable + " mode=" + mode);
    }

    /** {@code relative}: MEDIAN, else ABSOLUTE. */
    public FreezeRule(int warmup, double tau, boolean relative, int patience, int keepTrainable) {
        this(warmup, tau, relative ? Threshold.MEDIAN : Threshold.ABSOLUTE, patience, keepTrainable);
    }

    /**
     * The frozen prefix length after the checks in {@code history} (one score array per check, oldest first),
     * given the prefix frozen so far.
     */
    public int frozenPrefix(List<double[]> history, int currentPrefix) {
        if (history.isEmpty()) return currentPrefix;
        int stages = history.get(0).length;
        int limit = Math.max(0, stages - keepTrainable);
        if (history.size() <= warmup || history.size() < patience) return currentPrefix;
        int prefix = currentPrefix;
        while (prefix < limit && stopped(history, prefix)) prefix++;
        return prefix;
    }

    private boolean stopped(List<double[]> history, int stage) {
        for (int c = history.size() - patience; c < history.size(); c++) {
            double[] scores = history.get(c);
            if (scores[stage] == 0) continue;
            if (!(scores[stage] < threshold(history, c, stage))) return false;
        }
        return true;
    }

    /** The threshold of stage {@code stage} at check {@code check} of {@code history}. */
    public double threshold(List<double[]> history, int check, int stage) {
        if (mode != Threshold.DECAY && mode != Threshold.SETTLED) return threshold(history.get(check));
        double peak = 0;
        for (int c = mode == Threshold.SETTLED ? Math.min(warmup, check) : 0; c <= check; c++) peak = Math.max(peak, history.get(c)[stage]);
        return tau * peak;
    }

    /** The threshold every stage's score is compared with at one check (MEDIAN and ABSOLUTE; DECAY's is per stage). */
    public double threshold(double[] scores) {
        if (mode == Threshold.ABSOLUTE) return tau;
        if (mode == Threshold.DECAY || mode == Threshold.SETTLED) {
            throw new IllegalStateException("a " + mode + " threshold is per stage: use threshold(history, check, stage)");
        }
        double[] learnable = Arrays.stream(scores).filter(s -> s > 0).sorted().toArray();
        if (learnable.length == 0) return tau;
        int n = learnable.length;
        double median = n % 2 == 1 ? learnable[n / 2] : 0.5 * (learnable[n / 2 - 1] + learnable[n / 2]);
        return tau * median;
    }
}
