package dev.lanes.training.experiment;

import dev.lanes.training.methods.MethodSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Layer-score freezing (Learn&amp;Drop, Cruciata et al. 2026) against the baseline and against a FreezeOut-style
 * fixed schedule ({@code freezeout} arm, the same stages and caching): {@code freeze} decides from the stages'
 * scores when to freeze which prefix, {@code freezeout} freezes stage i after the fraction t0 + (1 − t0)·i/L of
 * training. Meant for Fashion-MNIST ({@code --data ../shared/datasets/fashion-mnist}) with {@code vgg11-w0.125}
 * (the default) or {@code --model resnet20}; the defaults per model (see {@link #defaults}) fit 3 seeds of the
 * three arms in about 20 minutes on 2 cores. The method arm's JSON adds {@code forward_flops_reduction}, the
 * paper's metric: 1 − its forward FLOPs summed over training / the baseline's.
 */
final class FreezeExperiment implements Experiment {
    static final String VGG = "vgg11-w0.125";

    @Override public String name() { return "freeze"; }

    @Override
    public String description() {
        return "layer-score freezing with cached prefix (freeze) vs baseline vs a FreezeOut schedule (freezeout); vgg11-w0.125 or --model resnet20";
    }

    /**
     * vgg11 widths: 8 epochs on 8 000 images; resnets (resnet20 has 22x the forward FLOPs of vgg11-w0.125): 6 epochs on
     * 800 images. Few epochs leave no room to save half the time: with the warm-up of one epoch the first decision
     * comes after epoch 2, and the epoch after a freeze still runs the prefix forward to fill the cache.
     */
    @Override
    public ExperimentOptions defaults(ExperimentOptions c) {
        String model = c.model().isEmpty() ? VGG : c.model();
        boolean resnet = model.startsWith("resnet");
        return new ExperimentOptions(model, c.data(), resnet ? 6 : 8, 3, resnet ? 800 : 8_000, 64, 2e-3, c.threads());
    }

    @Override
    public List<MethodSpec> methods(ExperimentOptions options) {
        return List.of(new MethodSpec("freeze", Map.of("threshold", "decay", "tau", "0.5", "warmup", "1")));
    }

    @Override
    public Map<String, List<MethodSpec>> otherArms(ExperimentOptions options) {
        Map<String, List<MethodSpec>> arms = new LinkedHashMap<>();
        arms.put("freezeout", List.of(new MethodSpec("freezeout", Map.of("t0", "0.5"))));
        return arms;
    }

    static double reduction(ArmResult baseline, ArmResult arm) { return 1 - arm.forwardFlops().mean() / baseline.forwardFlops().mean(); }

    @Override
    public Map<String, Object> armFields(ArmResult baseline, ArmResult arm) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("forward_flops_reduction", reduction(baseline, arm));
        f.put("train_seconds_ratio", arm.trainSeconds().mean() / baseline.trainSeconds().mean());
        return f;
    }

    @Override
    public List<Claim> claims(ExperimentOptions o, ArmResult baseline, ArmResult method) {
        return claims(o, baseline, method, List.of());
    }

    @Override
    public List<Claim> claims(ExperimentOptions o, ArmResult baseline, ArmResult method, List<ArmResult> others) {
        double time = method.trainSeconds().mean() / baseline.trainSeconds().mean();
        double drop = baseline.testAccuracy().mean() - method.testAccuracy().mean();
        double red = reduction(baseline, method);
        List<Claim> claims = new java.util.ArrayList<>(List.of(
                new Claim("training time at most 0.5x the baseline's", "more than halved (VGG, ResNet; MNIST, CIFAR-10, Imagenette)",
                        String.format(Locale.ROOT, "%.2fx (%.1f s vs %.1f s)", time, method.trainSeconds().mean(), baseline.trainSeconds().mean()),
                        time <= 0.5),
                new Claim("test accuracy at most 0.5 points below the baseline's mean", "without significantly hurting accuracy",
                        String.format(Locale.ROOT, "%.2f points below", 100 * drop), drop <= 0.005),
                new Claim("forward FLOPs during training reduced", "-17.83% (VGG-11) to -83.74% (ResNet-152)",
                        String.format(Locale.ROOT, "%.2f%% less", 100 * red), red > 0)));
        for (ArmResult other : others) {
            double t = other.trainSeconds().mean(), a = other.testAccuracy().mean();
            claims.add(new Claim("faster than " + other.name() + " at equal or better accuracy", "lanes (issue 9)",
                    String.format(Locale.ROOT, "%.1f s vs %.1f s, %.2f%% vs %.2f%%", method.trainSeconds().mean(), t,
                            100 * method.testAccuracy().mean(), 100 * a),
                    method.trainSeconds().mean() < t && method.testAccuracy().mean() >= a));
        }
        return claims;
    }
}
