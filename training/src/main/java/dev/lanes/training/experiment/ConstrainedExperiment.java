package dev.lanes.training.experiment;

import dev.lanes.training.methods.MethodSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Constrained-parameter training (Date et al. 2020) against the same model trained by backprop in fp32.
 * On a CSV table (Iris) the defaults are an {@code mlp-16}, full-batch (128 ≥ 120 rows), 100 epochs, one
 * exhaustive sweep per step; on MNIST an {@code mlp-128}, batch 256, 3 epochs, exhaustive mode visiting
 * 3000 coordinates per step (about 2.5 sweeps of its 101 632 weights per epoch), within 20 minutes for 3
 * seeds on 2 cores. Claims: test error within 1 point of fp32, parameter bytes ≥ 16× smaller.
 */
final class ConstrainedExperiment implements Experiment {
    @Override public String name() { return "constrained"; }

    @Override
    public String description() {
        return "ternary weights by coordinate descent (constrained:mode=exhaustive) vs fp32 backprop; MLP defaults by --data (CSV or MNIST)";
    }

    static boolean tabular(String data) {
        try (var files = Files.list(Path.of(data))) {
            return files.anyMatch(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public ExperimentOptions defaults(ExperimentOptions c) {
        return tabular(c.data())
                ? new ExperimentOptions("mlp-16", c.data(), 100, 3, c.limit(), 128, 0.01, c.threads())
                : new ExperimentOptions("mlp-128", c.data(), 3, 3, 60_000, 256, 2e-3, c.threads());
    }

    @Override
    public List<MethodSpec> methods(ExperimentOptions o) {
        return List.of(tabular(o.data()) ? new MethodSpec("constrained", Map.of("mode", "exhaustive"))
                : new MethodSpec("constrained", Map.of("mode", "exhaustive", "budget", "3000")));
    }

    @Override
    public List<Claim> claims(ExperimentOptions o, ArmResult baseline, ArmResult method) {
        double gap = baseline.testAccuracy().mean() - method.testAccuracy().mean();
        double ratio = baseline.paramBytes().mean() / method.paramBytes().mean();
        return List.of(
                new Claim("errors at par with backprop: test error within 1 point of fp32", "errors at par (MNIST, Iris, ImageNet)",
                        String.format(Locale.ROOT, "%.2f points worse", 100 * gap), gap <= 0.01),
                new Claim("parameter memory >= 16x smaller than fp32 (biases and scales in float counted)", "32x vs 64-bit",
                        String.format(Locale.ROOT, "%.1fx (%.0f vs %.0f bytes)", ratio, baseline.paramBytes().mean(), method.paramBytes().mean()),
                        ratio >= 16));
    }
}
