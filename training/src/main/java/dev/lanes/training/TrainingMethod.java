package dev.lanes.training;

import dev.lanes.nn.Module;
import java.util.Map;

/**
 * A training method that acts at run and epoch boundaries: it inspects the {@link TrainingState}, may edit
 * the current model in place (e.g. mark parameters non-trainable) and returns {@link Changes} that replace
 * model, optimizer, schedule, loaders or step. Methods run in list order, each seeing the previous one's
 * changes applied: the list order is how methods compose (rescale → freeze → prune).
 *
 * <p>Resume: {@link #state} is stored in every checkpoint and handed back to {@link #loadState} before
 * {@link #onRunStart}, which must then re-establish whatever the method had set up (in-place edits such as
 * trainable flags are not part of the model file), so a resumed run continues exactly.
 */
public interface TrainingMethod {
    /** The registry name, e.g. "freeze-prefix". */
    String name();

    /** Before the first epoch of this run (also after a resume: {@code state.completedEpochs()} tells). */
    default Changes onRunStart(TrainingState state) { return Changes.NONE; }

    /** Before epoch {@code epoch} (1-based) trains. */
    default void onEpochStart(TrainingState state, int epoch) {}

    /** After the epoch's training and evaluation, before listeners and the checkpoint see it. */
    default Changes onEpochEnd(TrainingState state, EpochMetrics metrics) { return Changes.NONE; }

    /**
     * Another method has just replaced the model ({@code before} was the model until now; {@code state.model()}
     * is the new one), e.g. rescale's switch or a prune. Called at once, before the next method acts, on every
     * method that has started ({@link #onRunStart} done), so one whose step or bookkeeping holds the old model's
     * modules can re-bind them (freezing keeps its frozen prefix when the prefix is unchanged, the constrained
     * method re-binds its codes). Its changes are applied like any other method's.
     */
    default Changes onModelReplaced(TrainingState state, Module before) { return Changes.NONE; }

    /** The method's own state for a checkpoint; keys and values must not contain line breaks. */
    default Map<String, String> state() { return Map.of(); }

    /** Restores what {@link #state} returned; called before {@link #onRunStart} when resuming. */
    default void loadState(Map<String, String> state) {}

    /** What the method measured over the run so far (e.g. per-epoch frozen prefix, a FLOPs reduction), for reports; empty by default. */
    default Json summary() { return Json.object(); }
}
