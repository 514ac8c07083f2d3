package dev.lanes.training.freeze;

import java.util.Arrays;
import java.util.List;

/**
 * When a prefix of stages has stopped learning. A stage has stopped once its score stayed below the threshold
 * for {@code patience} consecutive checks; the threshold is {@code tau} times the median score of the
 * learnable stages at that check (so the rule does not depend on the learning rate's scale), or {@code tau}
 * itself when {@code relative} is false. No decision is taken during the first {@code warmup} checks. A
 * stage freezes only when every stage before it is frozen, the last {@code keepTrainable} stages (the
 * classifier head) never freeze, and a prefix never shrinks.
 *
 * <p>Defaults ({@link #DEFAULT}): warm-up 2 checks, tau 0.5 relative to the median, patience 1, the last stage
 * kept. Stages without parameters (score exactly 0) count as stopped and are left out of the median.
 */
public record FreezeRule(int warmup, double tau, boolean relative, int patience, int keepTrainable) {
    public static final FreezeRule DEFAULT = new FreezeRule(2, 0.5, true, 1, 1);

    public FreezeRule {
        if (warmup < 0 || patience < 1 || keepTrainable < 1 || !(tau > 0))
            throw new IllegalArgumentException("freeze rule needs warmup >= 0, patience >= 1, keep >= 1 and tau > 0 but got warmup=" + warmup
                    + " tau=" + tau + " patience=" + patience + " keep=" + keepTrainable);
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
            if (!(scores[stage] < threshold(scores))) return false;
        }
        return true;
    }

    /** The threshold a stage's score is compared with at one check. */
    public double threshold(double[] scores) {
        if (!relative) return tau;
        double[] learnable = Arrays.stream(scores).filter(s -> s > 0).sorted().toArray();
        if (learnable.length == 0) return tau;
        int n = learnable.length;
        double median = n % 2 == 1 ? learnable[n / 2] : 0.5 * (learnable[n / 2 - 1] + learnable[n / 2]);
        return tau * median;
    }
}
