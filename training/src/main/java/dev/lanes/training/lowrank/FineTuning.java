package dev.lanes.training.lowrank;

import dev.lanes.nn.Module;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingListener;
import dev.lanes.training.TrainingResult;
import dev.lanes.training.data.DataLoader;
import java.util.List;

/**
 * Fine-tuning a factorised model by the {@link Trainer}: Adam (β 0.9, 0.999, no weight decay) from a fresh state,
 * the learning rate cosine-annealed per step from {@code lr} to 0 at the last step — what the {@code lowrank}
 * method's epochs after the switch do, with a schedule of their own since a model file carries none.
 */
public final class FineTuning {
    private FineTuning() {}

    /** Trains {@code model} in place for {@code epochs} epochs of {@code train}; {@code seed} drives dropout (the loader has its own). */
    public static TrainingResult run(Module model, DataLoader train, int epochs, float lr, long seed, List<TrainingListener> listeners) {
        Adam opt = new Adam(model.namedParameters(), lr, 0.9f, 0.999f, 1e-8f, 0f);
        Trainer.Builder b = Trainer.builder(model, opt, train).epochs(epochs).seed(seed).schedule(CosineLr.perIteration(lr, 0f, epochs));
        listeners.forEach(b::listener);
        TrainingResult r = b.build().fit();
        model.eval();
        return r;
    }
}
