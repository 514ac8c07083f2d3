package dev.lanes.training.experiment;

import dev.lanes.training.methods.MethodSpec;
import java.util.List;
import java.util.Map;

/**
 * One named experiment: what the method arm adds to the baseline's training, and which claims it checks.
 * Both arms share data, seeds, batch order and the cosine schedule; only {@link #methods} (and, for an
 * experiment on architectures, {@link #methodModel}) differ. A method's
 * issue adds its experiment to {@link Experiments}.
 */
public interface Experiment {
    String name();

    /** One line for {@code lanes experiment --help}. */
    String description();

    /** The name of the method arm in the table and the JSON's {@code "arms"} object ({@code "method"} by default). */
    default String methodArmName() { return "method"; }

    /**
     * The L2 coefficient (added to the gradient, so Adam normalises it: Mehta et al.'s setting that leaves filters
     * dead) of the Adam optimizer every arm trains with; 0 by default.
     */
    default double l2(ExperimentOptions options) { return 0; }

    /** The methods of the method arm, in composition order (empty: the method arm trains as the baseline). */
    List<MethodSpec> methods(ExperimentOptions options);

    /**
     * The zoo model the method arm trains: by default the baseline's ({@code options.model()}); an experiment that
     * compares architectures (a compact model against its standard twin) names another. Other arms train the
     * baseline's. Throws IllegalArgumentException when {@code options.model()} has no counterpart.
     */
    default String methodModel(ExperimentOptions options) { return options.model(); }

    /** The claims this experiment checks against the two arms' results. */
    List<Claim> claims(ExperimentOptions options, ArmResult baseline, ArmResult method);

    /**
     * Arms besides baseline and method, by name, each with its methods (e.g. a neighbouring method to compare
     * with); they share everything else and appear in the table and the JSON beside the two. None by default.
     */
    default Map<String, List<MethodSpec>> otherArms(ExperimentOptions options) { return Map.of(); }

    /** The claims when there are other arms ({@code others} in {@link #otherArms} order); by default those of the two arms. */
    default List<Claim> claims(ExperimentOptions options, ArmResult baseline, ArmResult method, List<ArmResult> others) {
        return claims(options, baseline, method);
    }

    /** Fields this experiment adds to the JSON object of a non-baseline arm (e.g. a reduction against the baseline); none by default. */
    default Map<String, Object> armFields(ArmResult baseline, ArmResult arm) { return Map.of(); }

    /**
     * Options this experiment runs with by default; the command line overrides each. {@code common} holds the
     * data folder and the model given on the command line (an empty name when none was), so defaults may depend on them.
     */
    default ExperimentOptions defaults(ExperimentOptions common) { return common; }
}
