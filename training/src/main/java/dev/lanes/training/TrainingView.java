package dev.lanes.training;

import dev.lanes.nn.Module;
import dev.lanes.nn.optim.LrSchedule;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.data.DataLoader;
import java.util.List;

/**
 * A read-only view of a training run, which listeners (progress, metrics files, checkpoints) observe. It
 * offers no way to change what the trainer uses; only {@link TrainingMethod}s change that, through {@link Changes}.
 */
public interface TrainingView {
    Module model();

    Optimizer optimizer();

    LrSchedule schedule();

    DataLoader trainLoader();

    /** Null when the run has no per-epoch evaluation. */
    DataLoader validationLoader();

    Step step();

    /** The methods in composition order. */
    List<TrainingMethod> methods();

    /** Epochs of this run in total. */
    int epochs();

    /** Completed epochs (restored ones included). */
    int completedEpochs();

    /** Training steps taken so far over all epochs (restored ones included). */
    long globalStep();

    /** Metrics of the completed epochs, oldest first (unmodifiable). */
    List<EpochMetrics> history();

    /** The trainer's own seed (dropout masks). */
    long seed();
}
