package dev.lanes.training.methods;

import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryQuantizer;
import dev.lanes.training.Changes;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import dev.lanes.training.constrained.ConstrainedWeights;
import dev.lanes.training.constrained.CoordinateDescentStep;
import java.util.Locale;
import java.util.Map;

/**
 * {@code constrained[:mode=exhaustive|blocks,granularity=tensor|channel,threshold=T,budget=N,grow=G,shrink=S]}:
 * constrained-parameter training after Date et al. (2020, "CoNNTrA"). At run start every convolution and
 * linear weight becomes packed ternary codes {−α, 0, +α} (TWN's rule with threshold factor T on the float
 * initialisation; the floats are dropped), and training switches to {@link CoordinateDescentStep}: codes move
 * by coordinate descent, biases and BatchNorm by the run's optimizer, the scales α by an Adam of their own.
 *
 * <p>Options: mode (default blocks); granularity of α (default channel); threshold (default 0.7); budget:
 * coordinates visited per step in exhaustive mode (default: all, one full sweep) or the initial block size in
 * blocks mode (default 1% of the coordinates); grow (default 1.5) and shrink (default 0.5) of the block.
 * A resumed run finds the weights packed in the checkpoint and keeps them; the block size is in the method's
 * state, the scales' Adam moments are not (they restart).
 */
public final class Constrained implements TrainingMethod {
    public static final String NAME = "constrained";
    private final CoordinateDescentStep.Mode mode;
    private final Granularity granularity;
    private final float threshold;
    private final Integer budget;
    private final double grow, shrink;
    private ConstrainedWeights weights;
    private CoordinateDescentStep step;
    private int restoredBlock = -1;

    public Constrained(CoordinateDescentStep.Mode mode, Granularity granularity, float threshold, Integer budget, double grow, double shrink) {
        if (!(threshold >= 0) || Float.isInfinite(threshold)) throw new IllegalArgumentException(NAME + ": threshold must be finite and >= 0 but is " + threshold);
        if (!(grow >= 1)) throw new IllegalArgumentException(NAME + ": grow must be >= 1 but is " + grow);
        if (!(shrink > 0 && shrink < 1)) throw new IllegalArgumentException(NAME + ": shrink must be in (0, 1) but is " + shrink);
        this.mode = mode;
        this.granularity = granularity;
        this.threshold = threshold;
        this.budget = budget;
        this.grow = grow;
        this.shrink = shrink;
    }

    static Constrained of(MethodSpec spec) {
        spec.allowOnly("mode", "granularity", "threshold", "budget", "grow", "shrink");
        Map<String, String> o = spec.options();
        CoordinateDescentStep.Mode mode = switch (o.getOrDefault("mode", "blocks").toLowerCase(Locale.ROOT)) {
            case "exhaustive" -> CoordinateDescentStep.Mode.EXHAUSTIVE;
            case "blocks" -> CoordinateDescentStep.Mode.BLOCKS;
            default -> throw new IllegalArgumentException("method " + NAME + ": mode must be exhaustive or blocks but is '" + o.get("mode") + "'");
        };
        Granularity g = switch (o.getOrDefault("granularity", "channel").toLowerCase(Locale.ROOT)) {
            case "tensor" -> Granularity.PER_TENSOR;
            case "channel" -> Granularity.PER_CHANNEL;
            default -> throw new IllegalArgumentException("method " + NAME + ": granularity must be tensor or channel but is '" + o.get("granularity") + "'");
        };
        Integer budget = o.containsKey("budget") ? spec.intOption("budget", null, 1, Integer.MAX_VALUE) : null;
        return new Constrained(mode, g, (float) spec.doubleOption("threshold", TernaryQuantizer.TWN_THRESHOLD), budget,
                spec.doubleOption("grow", 1.5), spec.doubleOption("shrink", 0.5));
    }


    @Override
    public String name() { return NAME; }

    /** The constrained weights (after run start), or null. */
    public ConstrainedWeights weights() { return weights; }

    /** The step in use (after run start), or null. */
    public CoordinateDescentStep step() { return step; }

    @Override
    public Changes onRunStart(TrainingState state) {
        return bind(state, restoredBlock);
    }

    /**
     * Another method replaced the model (a prune keeps the weights packed, codes and scales of what survives):
     * the codes and the step re-bind to the new model's weights, the block size carries over, and the scales'
     * Adam moments restart, as after a resume.
     */
    @Override
    public Changes onModelReplaced(TrainingState state, dev.lanes.nn.Module before) {
        int block = step != null && step.blocks() != null ? step.blocks().size() : restoredBlock;
        return bind(state, block);
    }

    private Changes bind(TrainingState state, int block) {
        weights = new ConstrainedWeights(state.model(), granularity, threshold);
        int n = weights.coordinateCount();
        int b = budget != null ? budget : mode == CoordinateDescentStep.Mode.EXHAUSTIVE ? n : Math.max(1, n / 100);
        step = new CoordinateDescentStep(state.model(), weights, mode, b, grow, shrink);
        if (block > 0 && step.blocks() != null) step.blocks().setSize(Math.min(block, n));
        return Changes.step(step);
    }

    @Override
    public Changes onEpochEnd(TrainingState state, dev.lanes.training.EpochMetrics metrics) {
        if (step.blocks() != null) {
            System.err.printf(Locale.ROOT, "constrained: epoch %d: %d block moves accepted, %d rejected, block size %d of %d%n", metrics.epoch(),
                    step.blocks().accepted(), step.blocks().rejected(), step.blocks().size(), weights.coordinateCount());
        } else {
            System.err.printf(Locale.ROOT, "constrained: epoch %d: %d codes changed in %d trials, %d sweeps undone%n", metrics.epoch(),
                    step.sweep().changes(), step.sweep().trials(), step.sweep().reverts());
        }
        return Changes.NONE;
    }

    @Override
    public Map<String, String> state() {
        return step == null || step.blocks() == null ? Map.of() : Map.of("block", Integer.toString(step.blocks().size()));
    }

    @Override
    public void loadState(Map<String, String> state) {
        String b = state.get("block");
        restoredBlock = b == null ? -1 : Integer.parseInt(b);
    }
}
