package dev.lanes.training;

/**
 * Observes a {@link Trainer} run through a read-only {@link TrainingView}. All callbacks come on the training thread; every method has an empty
 * default so a listener implements only what it needs.
 */
public interface TrainingListener {
    /** Before the first epoch of this run; {@code firstEpoch} is 1-based and above 1 after a resume. */
    default void onRunStart(int firstEpoch, int lastEpoch, int batchesPerEpoch, int samplesPerEpoch) {}

    /** After each training step; {@code samplesDone} counts this epoch's images so far. */
    default void onBatchEnd(int epoch, int batch, int samplesDone, double runningLoss, long epochElapsedNanos) {}

    /** After the epoch's training, evaluation and the methods' changes; {@code run} is read-only. */
    default void onEpochEnd(EpochMetrics metrics, TrainingView run) {}

    /** After the last epoch (or an early stop). */
    default void onRunEnd(TrainingResult result) {}
}
