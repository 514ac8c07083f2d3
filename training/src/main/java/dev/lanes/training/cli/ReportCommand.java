package dev.lanes.training.cli;

import dev.lanes.training.experiment.ClaimsReport;
import dev.lanes.training.experiment.Experiments;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code lanes report}: one table of every method's claims against what the stored experiment results measured. */
final class ReportCommand {
    static final String HELP = """
            Usage: lanes report [--results DIR] [--json]
              Reads every experiment result in DIR (DIR/*.json, or DIR/*/results.json as lanes experiment --out writes
              them) and prints one row per claim: method, paper, the paper's claim, what Lanes measured, whether it
              holds, and the command that made the result (results written before commands were recorded show the
              options they recorded, marked "reconstructed"). Each method experiment without a result gets a
              "not run" row with the command that would make it.
              --results DIR   default: results (the repository's stored results when run from its root)
              --json          one JSON object {"rows": [{"method", "paper", "claim", "measured", "holds", "run", "command", "source"}]}
              --help          this text
            """;

    private ReportCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        Args a = new Args("lanes report", argv, Set.of("results"), Set.of("json"), 0);
        if (a.help()) {
            out.print(HELP);
            return 0;
        }
        Path dir = Path.of(a.string("results", "results")).toAbsolutePath().normalize();
        ClaimsReport report = ClaimsReport.read(dir, methodExperiments(), "../shared/datasets/fashion-mnist");
        out.print(a.flag("json") ? report.toJson() + "\n" : report.table());
        return 0;
    }

    /** Every registered experiment but the plain baseline, which has no method to report. */
    static List<String> methodExperiments() {
        return Experiments.names().stream().filter(n -> !n.equals("baseline")).toList();
    }
}
