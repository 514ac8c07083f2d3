package dev.lanes.training.lowrank;

import dev.lanes.nn.Module;
import dev.lanes.nn.optim.Optimizer;
import java.util.Map;

/**
 * Moves an optimizer from a model to its factorised successor with all per-parameter state dropped (moments,
 * update counts) and the step count kept, so every parameter's next update is its first (Adam's bias
 * correction restarts at t = 1 for each). Keeps the optimizer's naming: by path, or by position for one built
 * over a list.
 */
public final class FreshOptimizer {
    private FreshOptimizer() {}

    public static Optimizer rebind(Optimizer optimizer, Module before, Module after) {
        boolean byPath = optimizer.namedParameters().keySet().equals(before.namedParameters().keySet());
        optimizer.rebind(byPath ? after.namedParameters() : Optimizer.indexed(after.parameters()));
        optimizer.loadState(Map.of("step", Optimizer.count(optimizer.stepCount())));
        return optimizer;
    }
}
