package dev.lanes.training.experiment;

import dev.lanes.training.methods.MethodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The methods composed in one run (issue 14): kernel rescaling with the automatic switch, then layer-score
 * freezing on the full-resolution phase, then pruning of the filters left dead before the last epoch
 * ({@code composed} arm: {@code rescale:switch=auto freeze prune}), against the baseline and against each of the
 * three alone ({@code rescale}, {@code freeze}, {@code prune} arms, each with the options it has in the composition).
 * Every arm trains with Adam + L2 ({@link #L2}), Mehta et al.'s setting, since under decoupled decay or none no
 * filter dies and pruning would have nothing to remove; the baseline shares it, so only the methods differ.
 *
 * <p>Defaults: {@code gap-cnn} (5×5 and 3×3 kernels, global pooling: rescalable) on the first {@link #LIMIT}
 * Fashion-MNIST training images, {@link #EPOCHS} epochs of batch 32, Adam at peak lr 5e-3 cosine to 0, 3 seeds.
 * Claims: the target, from each arm's seconds to the baseline's mean accuracy and its per-seed accuracy
 * difference, and the weaker form on total training time.
 */
final class CompositionExperiment implements Experiment {
    static final int EPOCHS = 8, LIMIT = 20_000, PRUNE_AT = 3;
    static final String FREEZE_TAU = "0.25";
    static final double L2 = 1e-2, LR = 1e-2;
    static final List<String> SINGLE = List.of("rescale", "freeze", "prune");

    @Override public String name() { return "compose"; }

    @Override
    public String description() {
        return "rescale -> freeze -> prune in one run (composed) vs baseline vs each method alone, all with Adam + L2";
    }

    @Override public String methodArmName() { return "composed"; }

    @Override public double l2(ExperimentOptions options) { return L2; }

    @Override
    public ExperimentOptions defaults(ExperimentOptions c) {
        return new ExperimentOptions("cnn-16-32-64-128", c.data(), EPOCHS, 3, LIMIT, 32, LR, c.threads());
    }

    /** Each method as it runs in the composition (and alone in its own arm). */
    static MethodSpec method(String name) {
        return switch (name) {
            case "rescale" -> {
                Map<String, String> o = new LinkedHashMap<>(RescaleExperiment.METHOD_OPTIONS);
                o.put("switch", "auto");
                yield new MethodSpec("rescale", o);
            }
            case "freeze" -> new MethodSpec(name, Map.of("tau", FREEZE_TAU));
            case "prune" -> new MethodSpec(name, Map.of("at", Integer.toString(PRUNE_AT)));
            default -> throw new IllegalArgumentException("not a composed method: " + name);
        };
    }

    @Override
    public List<MethodSpec> methods(ExperimentOptions options) {
        List<MethodSpec> ms = new ArrayList<>();
        for (String m : SINGLE) ms.add(method(m));
        return ms;
    }

    @Override
    public Map<String, List<MethodSpec>> otherArms(ExperimentOptions options) {
        Map<String, List<MethodSpec>> arms = new LinkedHashMap<>();
        for (String m : SINGLE) arms.put(m, List.of(method(m)));
        return arms;
    }

    @Override
    public List<Claim> claims(ExperimentOptions o, ArmResult baseline, ArmResult method) {
        return claims(o, baseline, method, List.of());
    }

    @Override
    public List<Claim> claims(ExperimentOptions o, ArmResult baseline, ArmResult composed, List<ArmResult> singles) {
        double target = baseline.testAccuracy().mean();
        StringBuilder measured = new StringBuilder();
        // an arm that never reached the baseline's accuracy on every seed is never faster to it
        double composedTo = secondsToOnAllSeeds(composed, target), fastestSingleTo = Double.POSITIVE_INFINITY;
        double composedDiff = RescaleExperiment.accuracyDiff(baseline, composed).mean(), worstSingleDiff = Double.POSITIVE_INFINITY;
        double composedTime = composed.trainSeconds().mean(), fastestSingleTime = Double.POSITIVE_INFINITY;
        List<ArmResult> all = new ArrayList<>(List.of(composed));
        all.addAll(singles);
        for (ArmResult a : all) {
            Stats diff = RescaleExperiment.accuracyDiff(baseline, a), ratio = RescaleExperiment.timeRatio(baseline, a);
            Stats to = a.secondsTo(target);
            if (measured.length() > 0) measured.append("; ");
            measured.append(String.format(Locale.ROOT, "%s: %+.2f ± %.2f points, wall %.2f x baseline, baseline accuracy reached %d/%d%s",
                    a.name(), diff.mean(), diff.std(), ratio.mean(), a.reached(target), a.runs().size(),
                    to.n() == 0 ? "" : String.format(Locale.ROOT, " after %.1f s", to.mean())));
            if (a == composed) continue;
            fastestSingleTo = Math.min(fastestSingleTo, secondsToOnAllSeeds(a, target));
            worstSingleDiff = Math.min(worstSingleDiff, diff.mean());
            fastestSingleTime = Math.min(fastestSingleTime, a.trainSeconds().mean());
        }
        measured.append(String.format(Locale.ROOT, "; baseline %.2f%% in %.1f s", 100 * target, baseline.trainSeconds().mean()));
        boolean accuracyKept = composedDiff >= worstSingleDiff;
        String m = measured.toString();
        return List.of(
                new Claim("the composition reaches the baseline's accuracy sooner than any single method, losing no more accuracy than the largest single-method loss (issue 14 target)",
                        "lanes: the methods compose (no paper combines them)", m,
                        !Double.isInfinite(composedTo) && composedTo < fastestSingleTo && accuracyKept),
                new Claim("the composition trains in less wall time than any single method, losing no more accuracy than the largest single-method loss",
                        "lanes: the methods' savings add up", m, composedTime < fastestSingleTime && accuracyKept));
    }

    /** Mean seconds to {@code target} when every run of the arm reached it, else infinity. */
    private static double secondsToOnAllSeeds(ArmResult a, double target) {
        return a.reached(target) == a.runs().size() ? a.secondsTo(target).mean() : Double.POSITIVE_INFINITY;
    }

    @Override
    public Map<String, Object> armFields(ArmResult baseline, ArmResult arm) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("wall_ratio", RescaleExperiment.timeRatio(baseline, arm).toJson());
        f.put("accuracy_diff_points", RescaleExperiment.accuracyDiff(baseline, arm).toJson());
        return f;
    }
}
