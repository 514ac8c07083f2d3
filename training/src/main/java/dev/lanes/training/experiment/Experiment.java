package dev.lanes.training.experiment;

import dev.lanes.training.methods.MethodSpec;
import java.util.List;

/**
 * One named experiment: what the method arm adds to the baseline's training, and which claims it checks.
 * Both arms share data, seeds, batch order and the cosine schedule; only {@link #methods} differ. A method's
 * issue adds its experiment to {@link Experiments}.
 */
public interface Experiment {
    String name();

    /** One line for {@code lanes experiment --help}. */
    String description();

    /** The methods of the method arm, in composition order (empty: the method arm trains as the baseline). */
    List<MethodSpec> methods(ExperimentOptions options);

    /** The claims this experiment checks against the two arms' results. */
    List<Claim> claims(ExperimentOptions options, ArmResult baseline, ArmResult method);

    /** Options this experiment runs with by default; the command line overrides each. */
    default ExperimentOptions defaults(ExperimentOptions common) { return common; }
}
