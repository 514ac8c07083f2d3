package dev.lanes.training;

import dev.lanes.training.data.DataLoader;

/**
 * What the trainer does with one batch. {@link GradientStep} is the ordinary one (forward, softmax
 * cross-entropy, backward, optimizer update); a method may swap in another at an epoch boundary, e.g. one
 * that runs only a suffix of the model on cached prefix outputs (keyed by {@link DataLoader.Batch#indices()}).
 *
 * <p>The trainer sets the learning rate before each call. A step must not allocate in steady state.
 */
public interface Step {
    /** A short name for logs and metrics, e.g. "gradient". */
    String name();

    /**
     * Trains on one batch; returns its mean loss. A non-finite loss must be returned before any update, and
     * the trainer stops the run with a message naming the epoch, step and learning rate.
     */
    float train(TrainingState state, DataLoader.Batch batch);

    /** Rows of the last trained batch whose prediction was the label (for the running train accuracy). */
    int correct();

    /**
     * How many top-level layers of the model this step does not run forward, because it reads their
     * outputs from a cache: the cost model charges them nothing. Queried at the start of each epoch.
     */
    default int cachedPrefix() { return 0; }

    /**
     * The work per image of one step on {@code model} by the {@link Cost} model, which the trainer charges
     * each sample of the epoch; queried at the start of each epoch. A step that sees the model another way
     * (e.g. flattened through nested Sequentials, with a cached prefix of its units) answers for itself.
     */
    default dev.lanes.nn.Flops costPerImage(dev.lanes.nn.Module model, int[] imageShape) {
        return Cost.perImage(model, imageShape, cachedPrefix());
    }
}
