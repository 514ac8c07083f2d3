package dev.lanes.training.experiment;

import dev.lanes.training.methods.MethodSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compact filters (issue 15): a zoo model against its compact twin, in which depthwise-separable blocks
 * (depthwise 3×3 + pointwise 1×1, {@code dev.lanes.nn.zoo.DepthwiseSeparable}) replace the standard convolutions
 * after the first. The arms differ only by architecture ({@link #methodModel}); both train with the same data,
 * seeds, batch order and cosine schedule for the same epochs. Defaults: {@code gap-cnn} against {@code gap-cnn-ds}
 * on the first {@link #LIMIT} training images for {@link #EPOCHS} epochs, batch 64, Adam 2e-3 cosine to 0, sized
 * so that 3 seeds × 2 arms finish within about 12 minutes on the 2-core machine. Claims: the targets,
 * at least 3× fewer parameters, and test accuracy at most 1.5 points below the standard model (per-seed pairs).
 */
final class CompactExperiment implements Experiment {
    static final int EPOCHS = 5, LIMIT = 16_000;
    /** Each standard zoo model with a compact twin, and that twin. */
    static final Map<String, String> TWINS = Map.of("gap-cnn", "gap-cnn-ds");
    /** The twin given by {@code --twin} (the default twin or a width variant of it, e.g. gap-cnn-ds-w1.7), or null for the default. */
    private final String twin;

    CompactExperiment() { this(null); }

    CompactExperiment(String twin) { this.twin = twin; }

    @Override public String name() { return "compact"; }

    @Override
    public String description() {
        return "compact filters: gap-cnn against gap-cnn-ds (depthwise-separable blocks), same epochs, data and schedule";
    }

    @Override
    public ExperimentOptions defaults(ExperimentOptions c) {
        return new ExperimentOptions("gap-cnn", c.data(), EPOCHS, 3, LIMIT, 64, 2e-3, c.threads());
    }

    @Override
    public List<MethodSpec> methods(ExperimentOptions options) { return List.of(); }

    @Override
    public String methodModel(ExperimentOptions options) {
        String twin = TWINS.get(options.model());
        if (twin == null) {
            throw new IllegalArgumentException("experiment compact: --model " + options.model() + " has no compact twin; known: "
                    + TWINS.entrySet().stream().map(e -> e.getKey() + " (against " + e.getValue() + ")").sorted().toList());
        }
        if (this.twin == null) return twin;
        // only the twin itself or a width variant: anything else would not be the same net made compact
        if (!this.twin.equals(twin) && !this.twin.startsWith(twin + "-w")) {
            throw new IllegalArgumentException("experiment compact: --twin " + this.twin + " is not " + twin + " or " + twin
                    + "-w<width multiplier>, the compact twins of --model " + options.model());
        }
        dev.lanes.nn.zoo.Zoo.create(this.twin, 1, 10, 0); // an unparsable multiplier is refused before any data is read
        return this.twin;
    }

    /** Baseline ÷ method parameter bytes (all parameters are dense floats here, so also the parameter count ratio). */
    static double parameterReduction(ArmResult baseline, ArmResult method) {
        return baseline.paramBytes().mean() / method.paramBytes().mean();
    }

    @Override
    public Map<String, Object> armFields(ArmResult baseline, ArmResult arm) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("parameters", Math.round(arm.paramBytes().mean() / 4));
        f.put("parameter_reduction_factor", parameterReduction(baseline, arm));
        f.put("forward_flops_reduction_factor", baseline.forwardFlops().mean() / arm.forwardFlops().mean());
        return f;
    }

    @Override
    public List<Claim> claims(ExperimentOptions o, ArmResult baseline, ArmResult method) {
        double factor = parameterReduction(baseline, method);
        long base = Math.round(baseline.paramBytes().mean() / 4), compact = Math.round(method.paramBytes().mean() / 4);
        Stats diff = RescaleExperiment.accuracyDiff(baseline, method);
        String params = String.format(Locale.ROOT, "%d parameters against %d: %.2fx fewer", compact, base, factor);
        String accuracy = String.format(Locale.ROOT, "compact %.2f ± %.2f%%, standard %.2f ± %.2f%%: %+.2f ± %.2f points (per-seed pairs)",
                100 * method.testAccuracy().mean(), 100 * method.testAccuracy().std(), 100 * baseline.testAccuracy().mean(),
                100 * baseline.testAccuracy().std(), diff.mean(), diff.std());
        String paper = "MobileNet: 4.2M parameters against 29.3M for the same net with full convolutions, 1.1 points less ImageNet "
                + "accuracy (Howard et al. 2017, Table 4)";
        return List.of(
                new Claim("the compact model has >= 3x fewer parameters than the standard one (issue 15 target)", paper, params, factor >= 3),
                new Claim("the compact model's test accuracy is at most 1.5 points below the standard one's (issue 15 target)", paper, accuracy,
                        diff.mean() >= -1.5));
    }
}
