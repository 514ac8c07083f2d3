package dev.lanes.training;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}: metrics of every epoch run so far (including epochs restored from a
 * checkpoint), whether early stopping ended the run, and the best epoch by the monitored metric (1-based,
 * 0 if there is no validation set).
 */
public record TrainingResult(List<EpochMetrics> history, boolean stoppedEarly, int bestEpoch, double wallSeconds) {
    public EpochMetrics last() { return history.isEmpty() ? null : history.get(history.size() - 1); }

    /** Sum of the per-epoch training times (excluding evaluation). */
    public double trainSeconds() {
        double s = 0;
        for (EpochMetrics m : history) s += m.trainSeconds();
        return s;
    }
}
