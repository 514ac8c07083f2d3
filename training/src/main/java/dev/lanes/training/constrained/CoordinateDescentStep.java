package dev.lanes.training.constrained;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.Step;
import dev.lanes.training.TrainingState;
import dev.lanes.training.data.DataLoader;

/**
 * The training step of the constrained method: the ternary weights move by coordinate descent, the float
 * parameters by gradient.
 *
 * <ol>
 *   <li>Forward, softmax cross-entropy and backward give the batch loss L and the gradients of everything,
 *       the decoded ternary weights included.</li>
 *   <li>The codes move: {@link Mode#BLOCKS} makes one gradient-guided block move, accepted only if the batch
 *       loss falls below L ({@link BlockMove}); {@link Mode#EXHAUSTIVE} first lets the floats take their
 *       step, then sweeps {@code budget} coordinates trying every value ({@link ExhaustiveSweep}).</li>
 *   <li>The float parameters (biases, BatchNorm γ and β) take the run optimizer's step (which skips packed
 *       parameters) and the scales α theirs ({@link ConstrainedWeights#stepScales}), from the gradients of 1.</li>
 * </ol>
 * Returns L, the loss before the update, as the gradient step does.
 */
public final class CoordinateDescentStep implements Step {
    public enum Mode { EXHAUSTIVE, BLOCKS }

    private final Mode mode;
    private final ConstrainedWeights weights;
    private final ExhaustiveSweep sweep;
    private final BlockMove blocks;
    private final int budget;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private int correct;

    /** Exhaustive: {@code budget} coordinates per step. Blocks: {@code budget} is the initial block size. */
    public CoordinateDescentStep(Module model, ConstrainedWeights weights, Mode mode, int budget, double grow, double shrink) {
        this(model, weights, mode, budget, grow, shrink, 0f);
    }

    /** Blocks mode with the gradient's running mean (see {@link BlockMove}); {@code momentum} 0 is the batch gradient. */
    public CoordinateDescentStep(Module model, ConstrainedWeights weights, Mode mode, int budget, double grow, double shrink, float momentum) {
        if (budget < 1) throw new IllegalArgumentException("coordinate descent: budget must be >= 1 but is " + budget);
        this.mode = mode;
        this.weights = weights;
        this.budget = budget;
        this.sweep = mode == Mode.EXHAUSTIVE ? new ExhaustiveSweep(model, weights) : null;
        this.blocks = mode == Mode.BLOCKS ? new BlockMove(model, weights, budget, grow, shrink, momentum) : null;
    }

    @Override
    public String name() { return "coordinate-descent-" + mode.name().toLowerCase(java.util.Locale.ROOT); }

    public Mode mode() { return mode; }

    /** The block mover (blocks mode) or null. */
    public BlockMove blocks() { return blocks; }

    /** The sweep (exhaustive mode) or null. */
    public ExhaustiveSweep sweep() { return sweep; }

    @Override
    public float train(TrainingState state, DataLoader.Batch b) {
        Module model = state.model();
        Optimizer optimizer = state.optimizer();
        optimizer.zeroGrad();
        weights.zeroScaleGrads();
        Tensor logits = model.forward(b.images());
        float l = loss.forward(logits, b.labels(), 0);
        if (!Float.isFinite(l)) return l;
        correct = SoftmaxCrossEntropy.correct(logits, b.labels(), 0); // before another forward reuses the buffer
        model.backward(loss.backward(), false);
        if (mode == Mode.BLOCKS) {
            blocks.move(b.images(), b.labels(), l);
            floatStep(optimizer);
        } else {
            floatStep(optimizer);
            sweep.sweep(b.images(), b.labels(), budget);
        }
        return l;
    }

    private void floatStep(Optimizer optimizer) {
        optimizer.step();
        weights.stepScales(optimizer.learningRate());
    }

    @Override
    public int correct() { return correct; }
}
