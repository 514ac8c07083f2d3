package dev.lanes.training.experiment;

import dev.lanes.training.methods.MethodSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code freeze-prefix:layers=4,at=2} against the baseline: from the second epoch on the first block
 * (conv1, bn1, relu1, pool1 of lenet5) stops training. It checks the cost model's bookkeeping (fewer
 * training FLOPs, the same forward FLOPs) and how much accuracy the frozen block costs.
 */
final class FreezePrefixExperiment implements Experiment {
    @Override public String name() { return "freeze-prefix"; }

    @Override public String description() { return "freeze the first 4 top-level layers from epoch 2 (freeze-prefix:layers=4,at=2)"; }

    @Override
    public List<MethodSpec> methods(ExperimentOptions options) {
        return List.of(new MethodSpec("freeze-prefix", Map.of("layers", "4", "at", "2")));
    }

    @Override
    public List<Claim> claims(ExperimentOptions options, ArmResult baseline, ArmResult method) {
        double b = baseline.trainFlops().mean(), m = method.trainFlops().mean();
        double accDrop = baseline.testAccuracy().mean() - method.testAccuracy().mean();
        return List.of(
                new Claim("a frozen prefix lowers training FLOPs and leaves forward FLOPs unchanged", "lanes",
                        String.format(Locale.ROOT, "train FLOPs %.3g vs %.3g (%.1f%% less), forward equal: %b", m, b, 100 * (1 - m / b),
                                baseline.forwardFlops().mean() == method.forwardFlops().mean()),
                        m < b && baseline.forwardFlops().mean() == method.forwardFlops().mean()),
                new Claim("freezing the first block after one epoch costs under 1 point of test accuracy", "lanes",
                        String.format(Locale.ROOT, "%.2f points", 100 * accDrop), accDrop < 0.01));
    }
}
