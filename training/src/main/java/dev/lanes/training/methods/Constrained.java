package dev.lanes.training.methods;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryQuantizer;
import dev.lanes.training.Changes;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import dev.lanes.training.constrained.ConstrainedWeights;
import dev.lanes.training.constrained.CoordinateDescentStep;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code constrained[:from=E,mode=exhaustive|blocks,granularity=tensor|channel,threshold=T,budget=N,grow=G,shrink=S,momentum=B]}:
 * constrained-parameter training after Date et al. (2020, "CoNNTrA"). At the start of epoch E (default 1: run
 * start) every convolution and linear weight becomes packed ternary codes {−α, 0, +α} (TWN's rule with threshold
 * factor T on the float weights of that moment: the initialisation, or what the epochs before E trained; the floats
 * are dropped), and training switches to {@link CoordinateDescentStep}: codes move by coordinate descent, biases
 * and BatchNorm by the run's optimizer, the scales α by an Adam of their own.
 *
 * <p>{@code from=E > 1} is ternary fine-tuning of a float-trained model, e.g. after {@code prune} (listed before: a
 * pruned model is converted as it is). After rescale (listed before) the conversion waits for the switch, since the
 * switch rebuilds the float architecture. Freezing methods are refused beside it: both drive the training step.
 *
 * <p>Options: mode (default blocks); granularity of α (default channel); threshold (default 0.7); budget:
 * coordinates visited per step in exhaustive mode (default: all, one full sweep) or the initial block size in
 * blocks mode (default 1% of the coordinates); grow (default 1.5) and shrink (default 0.5) of the block;
 * momentum (default 0): blocks mode moves by the gradient's running mean with this β ({@link
 * dev.lanes.training.constrained.BlockMove}), which restarts at 0 when another method replaces the model.
 * A resumed run finds the weights packed in the checkpoint and keeps them; the block size, the scales' Adam
 * state and the running mean (as exact float bits) are in the method's state, so the resumed run continues exactly.
 */
public final class Constrained implements TrainingMethod {
    public static final String NAME = "constrained";
    private final CoordinateDescentStep.Mode mode;
    private final Granularity granularity;
    private final float threshold;
    private final Integer budget;
    private final double grow, shrink;
    private final float momentum;
    private final int from;
    private Rescale rescale;
    private ConstrainedWeights weights;
    private CoordinateDescentStep step;
    private int restoredBlock = -1;
    private Map<String, Tensor> restoredScaleState; // the scales' Adam state from a checkpoint, until run start
    private float[] restoredVelocity; // blocks mode with momentum: the gradient's running mean, until run start

    public Constrained(CoordinateDescentStep.Mode mode, Granularity granularity, float threshold, Integer budget, double grow, double shrink) {
        this(1, mode, granularity, threshold, budget, grow, shrink, 0f);
    }

    /** Converting to ternary at the start of epoch {@code from} (1-based). */
    public Constrained(int from, CoordinateDescentStep.Mode mode, Granularity granularity, float threshold, Integer budget, double grow, double shrink,
                       float momentum) {
        if (from < 1) throw new IllegalArgumentException(NAME + ": from must be >= 1 but is " + from);
        if (!(threshold >= 0) || Float.isInfinite(threshold)) throw new IllegalArgumentException(NAME + ": threshold must be finite and >= 0 but is " + threshold);
        if (!(grow >= 1)) throw new IllegalArgumentException(NAME + ": grow must be >= 1 but is " + grow);
        if (!(shrink > 0 && shrink < 1)) throw new IllegalArgumentException(NAME + ": shrink must be in (0, 1) but is " + shrink);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException(NAME + ": momentum must be in [0, 1) but is " + momentum);
        this.momentum = momentum;
        this.mode = mode;
        this.granularity = granularity;
        this.threshold = threshold;
        this.budget = budget;
        this.grow = grow;
        this.shrink = shrink;
        this.from = from;
    }

    static Constrained of(MethodSpec spec) {
        spec.allowOnly("from", "mode", "granularity", "threshold", "budget", "grow", "shrink", "momentum");
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
        int from = o.containsKey("from") ? spec.intOption("from", null, 1, 1_000_000) : 1;
        return new Constrained(from, mode, g, (float) spec.doubleOption("threshold", TernaryQuantizer.TWN_THRESHOLD), budget,
                spec.doubleOption("grow", 1.5), spec.doubleOption("shrink", 0.5), (float) spec.doubleOption("momentum", 0));
    }


    @Override
    public String name() { return NAME; }

    /** The constrained weights (after run start), or null. */
    public ConstrainedWeights weights() { return weights; }

    /** The step in use (after run start), or null. */
    public CoordinateDescentStep step() { return step; }

    /** The epoch whose start converts the weights (1: run start). */
    public int from() { return from; }

    @Override
    public Changes onRunStart(TrainingState state) {
        if (from > state.epochs()) throw new IllegalArgumentException(NAME + ": from=" + from + " is after the run's last epoch (" + state.epochs() + ")");
        for (TrainingMethod m : state.methods()) {
            if (m instanceof PrefixFreezing)
                throw new IllegalArgumentException(NAME + ": cannot run beside " + m.name() + ": both drive the training step (coordinate descent, frozen prefix)");
        }
        rescale = Rescale.listedBefore(this, state.methods());
        // a resumed run whose checkpoint was taken after the conversion holds packed weights: bind to them now
        if (!packed(state.model()) && !due(state, state.completedEpochs())) return Changes.NONE;
        Changes c = bind(state, restoredBlock);
        if (restoredScaleState != null) weights.loadScaleState(restoredScaleState);
        if (restoredVelocity != null && step.blocks() != null) step.blocks().loadVelocity(restoredVelocity);
        restoredScaleState = null;
        restoredVelocity = null;
        return c;
    }

    /** Whether to convert now, with {@code done} epochs completed (never at low resolution: the switch rebuilds the floats). */
    private boolean due(TrainingState state, int done) {
        return done >= from - 1 && (rescale == null || !rescale.holdsBack(NAME, done, from - 1));
    }

    private static boolean packed(Module model) {
        for (dev.lanes.nn.Parameter p : model.parameters()) if (p.isPacked()) return true;
        return false;
    }

    /**
     * Another method replaced the model (a prune keeps the weights packed, codes and scales of what survives):
     * the codes and the step re-bind to the new model's weights, the block size carries over, and the scales'
     * Adam moments restart: the scales are new parameters, fewer of them (the next checkpoint saves the new state).
     */
    @Override
    public Changes onModelReplaced(TrainingState state, Module before) {
        if (step == null) return Changes.NONE; // not converted yet: the new model is converted when due
        int block = step != null && step.blocks() != null ? step.blocks().size() : restoredBlock;
        return bind(state, block);
    }

    private Changes bind(TrainingState state, int block) {
        weights = new ConstrainedWeights(state.model(), granularity, threshold);
        int n = weights.coordinateCount();
        int b = budget != null ? budget : mode == CoordinateDescentStep.Mode.EXHAUSTIVE ? n : Math.max(1, n / 100);
        step = new CoordinateDescentStep(state.model(), weights, mode, b, grow, shrink, momentum);
        if (block > 0 && step.blocks() != null) step.blocks().setSize(Math.min(block, n));
        return Changes.step(step);
    }

    @Override
    public Changes onEpochEnd(TrainingState state, dev.lanes.training.EpochMetrics metrics) {
        if (step == null) {
            if (!due(state, metrics.epoch())) return Changes.NONE;
            System.err.printf(Locale.ROOT, "%s: after epoch %d: weights converted to ternary (%s), coordinate descent from here%n", NAME, metrics.epoch(),
                    granularity == Granularity.PER_CHANNEL ? "per-channel scales" : "per-tensor scales");
            return bind(state, -1);
        }
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
        Map<String, String> s = new LinkedHashMap<>();
        if (step != null && step.blocks() != null) s.put("block", Integer.toString(step.blocks().size()));
        if (weights != null) s.put("scales_adam", encode(weights.scaleState()));
        if (step != null && step.blocks() != null && momentum > 0) {
            float[] v = step.blocks().velocity();
            s.put("velocity", encode(Map.of("v", Tensor.of(v, v.length)))); // encoded at once: no copy needed
        }
        return s;
    }

    @Override
    public void loadState(Map<String, String> state) {
        String b = state.get("block");
        restoredBlock = b == null ? -1 : Integer.parseInt(b);
        String a = state.get("scales_adam");
        restoredScaleState = a == null ? null : decode(a);
        String v = state.get("velocity");
        Tensor saved = v == null ? null : decode(v).get("v");
        if (v != null && saved == null) throw new IllegalArgumentException(NAME + ": the saved velocity state has no entry 'v'");
        restoredVelocity = saved == null ? null : saved.toArray();
    }

    /** {@code key:d0xd1...:hex,hex,...} per tensor, ';' between tensors; floats as their raw bits, so they come back exactly. */
    static String encode(Map<String, Tensor> state) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (!sb.isEmpty()) sb.append(';');
            sb.append(e.getKey()).append(':');
            int[] shape = e.getValue().shape();
            for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? "x" : "").append(shape[i]);
            sb.append(':');
            float[] v = e.getValue().toArray();
            for (int i = 0; i < v.length; i++) sb.append(i > 0 ? "," : "").append(Integer.toHexString(Float.floatToRawIntBits(v[i])));
        }
        return sb.toString();
    }

    static Map<String, Tensor> decode(String text) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (text.isEmpty()) return out;
        for (String entry : text.split(";")) {
            String[] f = entry.split(":", -1);
            if (f.length != 3) throw new IllegalArgumentException(NAME + ": malformed saved scale state entry '" + entry + "'");
            int[] shape = f[1].isEmpty() ? new int[0] : java.util.Arrays.stream(f[1].split("x")).mapToInt(Integer::parseInt).toArray();
            String[] hex = f[2].isEmpty() ? new String[0] : f[2].split(",");
            float[] v = new float[hex.length];
            for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(hex[i], 16));
            out.put(f[0], Tensor.of(v, shape));
        }
        return out;
    }
}
