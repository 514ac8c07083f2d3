package dev.lanes.training;

import dev.lanes.nn.Module;
import dev.lanes.nn.optim.LrSchedule;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.data.DataLoader;

/**
 * What a {@link TrainingMethod} replaces at an epoch boundary; null fields keep the current value. The
 * trainer applies one method's changes before asking the next method, so list order is composition order.
 * A new model without a new optimizer re-binds the current optimizer to it by parameter path
 * ({@link Optimizer#rebind}: unchanged parameters keep their moments).
 */
public record Changes(Module model, Optimizer optimizer, LrSchedule schedule, DataLoader train, DataLoader validation, Step step) {
    public static final Changes NONE = new Changes(null, null, null, null, null, null);

    public boolean isEmpty() { return equals(NONE); }

    public static Changes model(Module m) { return NONE.withModel(m); }

    public static Changes step(Step s) { return NONE.withStep(s); }

    public Changes withModel(Module m) { return new Changes(m, optimizer, schedule, train, validation, step); }

    public Changes withOptimizer(Optimizer o) { return new Changes(model, o, schedule, train, validation, step); }

    public Changes withSchedule(LrSchedule s) { return new Changes(model, optimizer, s, train, validation, step); }

    public Changes withTrain(DataLoader l) { return new Changes(model, optimizer, schedule, l, validation, step); }

    public Changes withValidation(DataLoader l) { return new Changes(model, optimizer, schedule, train, l, step); }

    public Changes withStep(Step s) { return new Changes(model, optimizer, schedule, train, validation, s); }
}
