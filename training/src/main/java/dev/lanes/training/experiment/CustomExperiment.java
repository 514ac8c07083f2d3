package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.methods.MethodSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An experiment that runs arms of its own instead of a baseline against a method arm (e.g. the same model
 * under three optimizers). {@code lanes experiment} hands it the options, its own extra options, the data
 * and the output folder, and prints what it returns; it has no method arm and no two-arm claims.
 */
public interface CustomExperiment extends Experiment {
    /** The outcome: a table for the terminal, the JSON object printed last with --json, and results.json. */
    interface Report {
        String table();

        Json toJson();

        Json toResultsJson();
    }

    /** Extra value options ({@code --name value}) this experiment takes, with one line of help each. */
    default Map<String, String> valueOptions() { return Map.of(); }

    /** Extra flags ({@code --name}) this experiment takes, with one line of help each. */
    default Map<String, String> flagOptions() { return Map.of(); }

    /**
     * Runs the experiment. {@code extra} holds the given extra options (flags map to "true"); {@code augment}
     * whether the data gets the standard crop and flip; {@code log} takes progress lines.
     */
    Report run(ExperimentOptions options, Map<String, String> extra, Dataset train, Dataset test, boolean augment, Path out, PrintStream log)
            throws IOException;

    @Override
    default List<MethodSpec> methods(ExperimentOptions options) { return List.of(); }

    @Override
    default List<Claim> claims(ExperimentOptions options, ArmResult baseline, ArmResult method) { return List.of(); }

    /** The extra option {@code key} as a positive integer, {@code def} when absent; a message naming it otherwise. */
    static int positiveInt(Map<String, String> extra, String key, int def) {
        String v = extra.get(key);
        if (v == null) return def;
        try {
            int x = Integer.parseInt(v);
            if (x >= 1) return x;
        } catch (NumberFormatException ignored) {
            // falls through to the message
        }
        throw new IllegalArgumentException("--" + key + " must be a positive integer but is '" + v + "'");
    }
}
