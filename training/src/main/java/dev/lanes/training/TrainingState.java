package dev.lanes.training;

import dev.lanes.nn.Module;
import dev.lanes.nn.optim.LrSchedule;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.data.DataLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything a training run currently uses: model, optimizer, learning-rate schedule, loaders, step, and
 * where it is (completed epochs, global step, history). Mutable, but only by the {@link Trainer}: methods
 * read it and return {@link Changes}, which the trainer applies at epoch boundaries through {@link #apply}.
 */
public final class TrainingState implements TrainingView {
    private Module model;
    private Optimizer optimizer;
    private LrSchedule schedule;
    private DataLoader train;
    private DataLoader validation;
    private Step step;
    private final List<TrainingMethod> methods;
    private final int epochs;
    private final long seed;
    private long globalStep;
    private final List<EpochMetrics> history = new ArrayList<>();

    TrainingState(Module model, Optimizer optimizer, LrSchedule schedule, DataLoader train, DataLoader validation, Step step,
                  List<TrainingMethod> methods, int epochs, long seed) {
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.train = train;
        this.validation = validation;
        this.step = step;
        this.methods = List.copyOf(methods);
        this.epochs = epochs;
        this.seed = seed;
    }

    @Override public Module model() { return model; }
    @Override public Optimizer optimizer() { return optimizer; }
    @Override public LrSchedule schedule() { return schedule; }
    @Override public DataLoader trainLoader() { return train; }
    @Override public DataLoader validationLoader() { return validation; }
    @Override public Step step() { return step; }
    @Override public List<TrainingMethod> methods() { return methods; }
    @Override public int epochs() { return epochs; }
    @Override public int completedEpochs() { return history.size(); }
    @Override public long globalStep() { return globalStep; }
    @Override public List<EpochMetrics> history() { return Collections.unmodifiableList(history); }
    @Override public long seed() { return seed; }

    /** Replaces what {@code c} names; a new model alone re-binds the optimizer to its parameters by path. */
    void apply(Changes c) {
        if (c == null || c.isEmpty()) return;
        if (c.model() != null) {
            // an optimizer built over a list names parameters by position; keep whichever naming it uses
            boolean byPath = optimizer.namedParameters().keySet().equals(model.namedParameters().keySet());
            model = c.model();
            if (c.optimizer() == null) optimizer.rebind(byPath ? model.namedParameters() : Optimizer.indexed(model.parameters()));
        }
        if (c.optimizer() != null) optimizer = c.optimizer();
        if (c.schedule() != null) schedule = c.schedule();
        if (c.train() != null) train = c.train();
        if (c.validation() != null) validation = c.validation();
        if (c.step() != null) step = c.step();
    }

    void stepDone() { globalStep++; }

    void addEpoch(EpochMetrics m) { history.add(m); }

    void restore(List<EpochMetrics> restored, long restoredGlobalStep) {
        history.clear();
        history.addAll(restored);
        globalStep = restoredGlobalStep;
    }
}
