package dev.lanes.training.cli;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.experiment.CustomExperiment;
import dev.lanes.training.experiment.Experiment;
import dev.lanes.training.experiment.ExperimentOptions;
import dev.lanes.training.experiment.ExperimentReport;
import dev.lanes.training.experiment.ExperimentRunner;
import dev.lanes.training.experiment.Experiments;
import dev.lanes.training.methods.MethodSpec;
import dev.lanes.training.methods.Methods;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code lanes experiment NAME}: a baseline arm and a method arm over several seeds, one table, results.json and a chart. */
final class ExperimentCommand {
    static final ExperimentOptions DEFAULTS = new ExperimentOptions("lenet5", "", 3, 3, 60_000, 64, 2e-3, 2);

    static final String HELP = """
            Usage: lanes experiment NAME [options]
              Runs a baseline arm and a method arm with the same data, seeds, batch order and schedule (Adam,
              cosine per step from --lr to 0 at the last step), --seeds times each, and prints one table of
              mean ± std over seeds: test accuracy, train seconds, seconds until the method first reaches the
              baseline's mean final accuracy, forward and training FLOPs, parameter bytes of the saved model.
              Writes results.json, experiment.svg (test accuracy against training seconds) and models/ in --out.
            Experiments:
            %s  --model NAME         zoo model (default %s)
              --data DIR           MNIST-style or CIFAR-10 folder (default: the bundled MNIST)
              --epochs N           epochs per run (default %d)
              --seeds S            runs per arm, seeds 1..S (default %d)
              --limit N            train on the first N training images (default %d); the whole test split is evaluated
              --test-limit N       evaluate on the first N test images only (default: all; for quick checks)
              --batch B            batch size (default %d)
              --lr X               peak learning rate (default %s)
              --threads T          compute threads (default: available processors)
              --out DIR            output folder (default runs/experiment-NAME)
              --l2 X               every arm trains with Adam + L2 coefficient X (added to the gradient; default:
                                   the experiment's, 0 but for compose and sparsity)
              --method NAME[:k=v,...]  replaces the method arm's methods (repeatable, in order), e.g. to try other
                                   options of the experiment's method against the same baseline
              --twin NAME          compact: the method arm's compact twin, the default one or a width variant
                                   (e.g. gap-cnn-ds-w1.7)
              --json               the last line printed is one JSON object (progress goes to stderr)
              --sweep              rescale: the trade-off curve, switch epoch 0..E (E+1 runs per seed);
                                   writes sweep.json and sweep.svg
            %s""";

    private static final Set<String> VALUES = Set.of("model", "data", "epochs", "seeds", "limit", "batch", "lr", "threads", "out", "test-limit", "method", "twin");

    private ExperimentCommand() {}

    static String help() {
        StringBuilder list = new StringBuilder(), extra = new StringBuilder();
        for (Experiment e : Experiments.all()) {
            list.append(String.format("  %-18s %s%n", e.name(), e.description()));
            if (!(e instanceof CustomExperiment c)) continue;
            c.valueOptions().forEach((k, v) -> extra.append(String.format("  --%-18s (%s) %s%n", k + " X", e.name(), v)));
            c.flagOptions().forEach((k, v) -> extra.append(String.format("  --%-18s (%s) %s%n", k, e.name(), v)));
        }
        return HELP.formatted(list, DEFAULTS.model(), DEFAULTS.epochs(), DEFAULTS.seeds(), DEFAULTS.limit(), DEFAULTS.batch(), DEFAULTS.lr(), extra);
    }

    /** Every extra value option and flag of the custom experiments. */
    private static Set<String> extra(boolean flags) {
        Set<String> names = new java.util.HashSet<>();
        for (Experiment e : Experiments.all())
            if (e instanceof CustomExperiment c) names.addAll(flags ? c.flagOptions().keySet() : c.valueOptions().keySet());
        return names;
    }

    static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new java.util.HashSet<>(VALUES), flags = new java.util.HashSet<>(extra(true));
        values.addAll(extra(false));
        flags.add("json");
        flags.add("sweep"); // the rescale experiment's trade-off curve
        Args a = new Args("lanes experiment", argv, values, flags, 1);
        if (a.help()) {
            out.print(help());
            return 0;
        }
        if (a.positionals().isEmpty()) throw a.error("missing experiment name (one of " + String.join(", ", Experiments.names()) + ")");
        String name = a.positionals().get(0);
        if (!Experiments.names().contains(name)) throw a.error("unknown experiment '" + name + "'; known: " + String.join(", ", Experiments.names()));
        Experiment experiment = Experiments.get(name);
        java.util.Map<String, String> extra = new java.util.LinkedHashMap<>();
        for (String k : extra(false)) if (a.has(k)) extra.put(k, a.string(k, null));
        for (String k : extra(true)) if (a.flag(k)) extra.put(k, "true");
        if (a.flag("sweep")) extra.put("sweep", "true");
        for (String k : extra.keySet()) {
            boolean mine = experiment instanceof CustomExperiment c && (c.valueOptions().containsKey(k) || c.flagOptions().containsKey(k))
                    || k.equals("sweep") && name.equals("rescale")
                    || k.equals("l2") && !(experiment instanceof CustomExperiment); // every arm's Adam + L2 (a custom experiment reads its own)
            if (!mine) throw a.error("option --" + k + " does not apply to experiment '" + name + "'");
        }
        if (extra.containsKey("l2") && !(experiment instanceof CustomExperiment)) {
            try {
                experiment = Experiments.withL2(experiment, a.doubleValue("l2", 0, 0, false));
            } catch (IllegalArgumentException e) {
                throw a.error("--l2: " + e.getMessage());
            }
        }
        if (a.has("twin")) {
            if (!name.equals("compact")) throw a.error("option --twin does not apply to experiment '" + name + "'");
            experiment = Experiments.compactWithTwin(a.string("twin", null));
        }
        if (!a.all("method").isEmpty()) {
            List<MethodSpec> specs = new ArrayList<>();
            for (String m : a.all("method")) {
                try {
                    MethodSpec ms = MethodSpec.parse(m);
                    Methods.create(ms); // refuse an unknown method or option before any run
                    specs.add(ms);
                } catch (IllegalArgumentException e) {
                    throw a.error("--method: " + e.getMessage());
                }
            }
            experiment = Experiments.withMethods(experiment, specs);
        }
        // the data folder is known before the defaults, so an experiment may choose them by dataset
        String data = Path.of(a.string("data", DataSource.defaultDir().toString())).toAbsolutePath().normalize().toString();
        // so is the model when given (an empty name when not), so an experiment may choose the rest by model
        ExperimentOptions d = experiment.defaults(new ExperimentOptions(a.string("model", ""), data, DEFAULTS.epochs(),
                DEFAULTS.seeds(), DEFAULTS.limit(), DEFAULTS.batch(), DEFAULTS.lr(), Parallel.threads()));
        String model = a.string("model", d.model().isEmpty() ? DEFAULTS.model() : d.model());
        if (!Zoo.names().contains(model) && !model.matches("resnet\\d+|vgg11-w[0-9.]+") && !dev.lanes.nn.zoo.Mlp.matches(model) && !dev.lanes.nn.zoo.ConvNet.matches(model)) {
            throw a.error("--model must be one of " + String.join("|", Zoo.names()) + " or mlp-H1[-H2...] but is '" + model + "'");
        }
        Path dataDir = Path.of(d.data()).toAbsolutePath().normalize();
        ExperimentOptions o = new ExperimentOptions(model, dataDir.toString(), a.intValue("epochs", d.epochs(), 1, 100_000),
                a.intValue("seeds", d.seeds(), 1, 1000), a.intValue("limit", d.limit(), 1, Integer.MAX_VALUE),
                a.intValue("batch", d.batch(), 1, 1 << 16), a.doubleValue("lr", d.lr(), 0, true), a.intValue("threads", d.threads(), 1, 1024));
        int testLimit = a.intValue("test-limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        try {
            experiment.methodModel(o); // e.g. a model without a compact twin, refused before any data is read
        } catch (IllegalArgumentException e) {
            throw a.error(e.getMessage());
        }
        boolean json = a.flag("json");
        Path outDir = Path.of(a.string("out", Path.of("runs", "experiment-" + name).toString())).toAbsolutePath().normalize();
        PrintStream log = json ? err : out;

        Parallel.setThreads(o.threads());
        DataSource source = DataSource.detect(dataDir);
        Dataset train = source.train(), test = source.test();
        if (testLimit < test.size()) test = test.subset(0, testLimit);
        if (a.flag("sweep") && name.equals("rescale")) {
            var points = dev.lanes.training.experiment.RescaleSweep.run(o, train, test, source.augmentByDefault(), outDir, log);
            Files.writeString(outDir.resolve("sweep.json"), dev.lanes.training.experiment.RescaleSweep.json(o, points) + "\n", StandardCharsets.UTF_8);
            Files.writeString(outDir.resolve("sweep.svg"), dev.lanes.training.experiment.RescaleSweep.svg(o, points), StandardCharsets.UTF_8);
            out.print(dev.lanes.training.experiment.RescaleSweep.table(o, points));
            out.println("wrote sweep.json, sweep.svg and models/ in " + outDir);
            if (json) out.println(dev.lanes.training.experiment.RescaleSweep.json(o, points));
            return 0;
        }
        if (experiment instanceof CustomExperiment c) {
            CustomExperiment.Report r;
            try {
                r = c.run(o, extra, train, test, source.augmentByDefault(), outDir, log);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("--")) throw a.error(e.getMessage());
                throw e;
            }
            Files.writeString(outDir.resolve("results.json"), r.toResultsJson().put("command", commandLine(argv)) + "\n", StandardCharsets.UTF_8);
            out.print(r.table());
            out.println("wrote results.json and models/ in " + outDir);
            if (json) out.println(r.toJson());
            return 0;
        }
        ExperimentReport report = ExperimentRunner.run(experiment, o, train, test, source.augmentByDefault(), outDir, log);
        Files.writeString(outDir.resolve("results.json"), report.toResultsJson().put("command", commandLine(argv)) + "\n", StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("experiment.svg"), report.svg(), StandardCharsets.UTF_8);
        out.print(report.table());
        out.println("wrote results.json, experiment.svg and models/ in " + outDir);
        if (json) out.println(report.toJson());
        return 0;
    }

    /** The command that made a result, for lanes report: as typed, with the data folder as the README names it. */
    static String commandLine(String[] argv) {
        StringBuilder b = new StringBuilder("bin/lanes experiment");
        for (String x : argv) {
            String shown = dev.lanes.training.experiment.ClaimsReport.shortData(x);
            b.append(' ').append(shown.isEmpty() || shown.contains(" ") ? "'" + shown + "'" : shown);
        }
        return b.toString();
    }
}
