package dev.lanes.training.experiment;

import dev.lanes.training.methods.MethodSpec;
import java.util.List;
import java.util.Locale;

/**
 * The baseline against itself: the method arm is the baseline again. It checks the ground every other
 * experiment stands on — with the same seeds, data, batch order and schedule the two arms reach the same
 * test accuracy bit for bit (training is deterministic for a kernel set, vector width and thread count),
 * so any difference another experiment measures comes from its method, not from the runner.
 */
final class BaselineExperiment implements Experiment {
    @Override public String name() { return "baseline"; }

    @Override public String description() { return "the baseline twice: checks that both arms see the same data, seeds and schedule"; }

    @Override public List<MethodSpec> methods(ExperimentOptions options) { return List.of(); }

    @Override
    public List<Claim> claims(ExperimentOptions options, ArmResult baseline, ArmResult method) {
        boolean same = true;
        for (int i = 0; i < baseline.runs().size(); i++) {
            same &= Double.compare(baseline.runs().get(i).testAccuracy(), method.runs().get(i).testAccuracy()) == 0
                    && baseline.runs().get(i).trainFlops() == method.runs().get(i).trainFlops();
        }
        return List.of(new Claim("identical arms give identical test accuracy and FLOPs for every seed", "lanes",
                String.format(Locale.ROOT, "baseline %.4f, method %.4f mean test accuracy", baseline.testAccuracy().mean(),
                        method.testAccuracy().mean()), same));
    }
}
