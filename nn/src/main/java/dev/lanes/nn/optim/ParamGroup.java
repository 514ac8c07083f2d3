package dev.lanes.nn.optim;

import dev.lanes.nn.Parameter;
import java.util.Collection;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Parameters that get their own hyper-parameters, as PyTorch's parameter groups: a weight decay that
 * replaces the optimizer's, and a learning-rate scale (the group's rate is the optimizer's current rate,
 * schedule included, times the scale). Members are chosen by a predicate over (path, parameter) or by a set
 * of paths. {@link Optimizer#setGroups} takes a list; a parameter belongs to the first group that contains
 * it, and one in no group uses the optimizer's own settings.
 *
 * <pre>
 *   opt.setGroups(ParamGroup.biasesAndNorms().withWeightDecay(0f),          // no decay on biases, BN γ and β
 *                 ParamGroup.paths("head", Set.of("7.weight")).withLrScale(10f));
 * </pre>
 */
public final class ParamGroup {
    private final String label;
    private final BiPredicate<String, Parameter> members;
    private final Set<String> paths; // null for a predicate group
    private final float weightDecay; // NaN: the optimizer's
    private final float lrScale;

    private ParamGroup(String label, BiPredicate<String, Parameter> members, Set<String> paths, float weightDecay, float lrScale) {
        if (label == null || label.isEmpty()) throw new IllegalArgumentException("a parameter group needs a label");
        this.label = label;
        this.members = members;
        this.paths = paths;
        this.weightDecay = weightDecay;
        this.lrScale = lrScale;
    }

    /** The parameters for which {@code members.test(path, parameter)} holds. */
    public static ParamGroup where(String label, BiPredicate<String, Parameter> members) {
        if (members == null) throw new IllegalArgumentException("parameter group " + label + ": the predicate is null");
        return new ParamGroup(label, members, null, Float.NaN, 1f);
    }

    /** The parameters with exactly these paths; {@link Optimizer#setGroups} refuses a path it does not have. */
    public static ParamGroup paths(String label, Collection<String> paths) {
        Set<String> set = Set.copyOf(paths);
        return new ParamGroup(label, (path, p) -> set.contains(path), set, Float.NaN, 1f);
    }

    /**
     * Parameters of rank ≤ 1 — biases and batch-norm γ and β — the usual set to exempt from weight decay
     * (decaying them only pulls shifts and norm scales towards 0; weights of rank ≥ 2 are what decay is for).
     */
    public static ParamGroup biasesAndNorms() {
        return where("biases-and-norms", (path, p) -> p.shape().length <= 1);
    }

    /** This group with its own weight decay (finite, ≥ 0). */
    public ParamGroup withWeightDecay(float weightDecay) {
        if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("parameter group " + label + ": weight decay must be finite and >= 0 but is " + weightDecay);
        }
        return new ParamGroup(label, members, paths, weightDecay, lrScale);
    }

    /** This group with its learning rate scaled by {@code scale} (finite, ≥ 0). */
    public ParamGroup withLrScale(float scale) {
        if (!(scale >= 0f) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("parameter group " + label + ": learning-rate scale must be finite and >= 0 but is " + scale);
        }
        return new ParamGroup(label, members, paths, weightDecay, scale);
    }

    public String label() { return label; }

    public boolean contains(String path, Parameter p) { return members.test(path, p); }

    /** The paths of a path-set group, or null for a predicate group. */
    public Set<String> paths() { return paths; }

    /** Whether the group replaces the optimizer's weight decay. */
    public boolean overridesWeightDecay() { return !Float.isNaN(weightDecay); }

    /** The group's weight decay (meaningful when {@link #overridesWeightDecay()}). */
    public float weightDecay() { return weightDecay; }

    public float lrScale() { return lrScale; }

    @Override
    public String toString() {
        return "group " + label + (overridesWeightDecay() ? " (weight decay " + weightDecay + ")" : "")
                + (lrScale != 1f ? " (lr x " + lrScale + ")" : "");
    }
}
