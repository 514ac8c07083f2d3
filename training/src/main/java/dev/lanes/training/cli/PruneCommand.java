package dev.lanes.training.cli;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.TensorFile;
import dev.lanes.training.Json;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.sparsity.OutputComparison;
import dev.lanes.training.sparsity.PruneMeasurement;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code lanes prune MODEL --out PRUNED}: fold BN, remove the filters dead over the training split, check and time the result. */
final class PruneCommand {
    static final String HELP = """
            Usage: lanes prune MODEL_FILE --out PRUNED_FILE [options]
              Finds the filters whose output after BN+ReLU stays below 1e-12 on every training image (eval mode;
              in a residual group: at every join), folds each BN into its conv and removes those filters with
              the matching input channels downstream (a group dead throughout keeps one channel). Writes the
              smaller model, which eval, inspect and bench infer load, and prints filters, parameters and FLOPs
              before and after, max |Δ logits| and prediction agreement on the test split, and batch inference
              speed of the original, the folded-only and the pruned model (timed round-robin).
              --out FILE      where to write the pruned model (required)
              --data DIR      data folder (default: the one the model was trained on if it exists, else the bundled MNIST)
              --limit N       find dead filters on the first N training images only (default all)
              --test-limit N  compare outputs on the first N test images only (default all)
              --batch B       batch size of the inference timing (default 64)
              --rounds R      timing rounds per model (default 15)
              --threads T     compute threads (default: available processors)
              --json          print one JSON object
              --help          this text
            """;

    private PruneCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        Args a = new Args("lanes prune", argv, Set.of("out", "data", "limit", "test-limit", "batch", "rounds", "threads"), Set.of("json"), 1);
        if (a.help()) {
            out.print(HELP);
            return 0;
        }
        if (a.positionals().isEmpty()) throw a.error("missing MODEL_FILE");
        if (!a.has("out")) throw a.error("missing --out PRUNED_FILE");
        int limit = a.intValue("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        int testLimit = a.intValue("test-limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        int batch = a.intValue("batch", 64, 1, 1 << 16);
        int rounds = a.intValue("rounds", 15, 1, 100_000);
        Parallel.setThreads(a.intValue("threads", Parallel.threads(), 1, 1024));
        Path file = Path.of(a.positionals().get(0)), target = Path.of(a.string("out", null));
        TensorFile.Contents contents = TensorFile.read(file);
        ModelSpec spec = ModelSpec.fromMetadata(file, contents.metadata());
        Module model = spec.load(file);
        ModelData data = ModelData.resolve(a, file, spec);
        Dataset train = data.train(limit), test = data.test(testLimit);
        int[] shape = {spec.channels(), spec.height(), spec.width()};
        PruneMeasurement o;
        try (DataLoader tl = data.loader(train, 256); DataLoader vl = data.loader(test, 256)) {
            o = PruneMeasurement.of(model, shape, tl, vl, batch, rounds);
        }
        Map<String, String> meta = new LinkedHashMap<>(contents.metadata());
        meta.remove(ModelFile.ARCH); // the pruned model's own architecture is written instead
        meta.put("pruned_from", file.toString());
        meta.put("pruned_filters", Integer.toString(o.pruning().removed()));
        if (target.toAbsolutePath().getParent() != null) java.nio.file.Files.createDirectories(target.toAbsolutePath().getParent());
        ModelFile.save(target, o.pruning().pruned(), Map.of(), meta);
        if (a.flag("json")) {
            Json j = Json.object().put("model", spec.model()).put("file", file.toString()).put("out", target.toString()).put("data", data.dir().toString())
                    .put("train_images", train.size()).put("threads", Parallel.threads());
            o.toJson().fields().forEach(j::put);
            out.println(j);
            return 0;
        }
        out.print(o.report().table());
        out.printf(Locale.ROOT, "%s (%s) -> %s: %d of %d filters removed (dead at every ReLU of their group over %d training images)%n", file, spec.model(),
                target, o.pruning().removed(), o.pruning().filtersBefore(), train.size());
        String row = "  %-22s %16s %16s%n";
        out.printf(Locale.ROOT, row, "", "before", "after");
        out.printf(Locale.ROOT, row, "conv filters", o.pruning().filtersBefore(), o.pruning().filtersAfter());
        out.printf(Locale.ROOT, row, "parameters", String.format(Locale.ROOT, "%,d", o.paramsBefore()), String.format(Locale.ROOT, "%,d", o.paramsAfter()));
        out.printf(Locale.ROOT, row, "FLOPs per image", String.format(Locale.ROOT, "%,d", o.flopsBefore()), String.format(Locale.ROOT, "%,d", o.flopsAfter()));
        out.printf(Locale.ROOT, row, "images/s, batch " + batch, String.format(Locale.ROOT, "%.0f", o.speed().get(0).medianImagesPerSecond()),
                String.format(Locale.ROOT, "%.0f", o.speed().get(2).medianImagesPerSecond()));
        out.printf(Locale.ROOT, "  inference %.2fx faster (BN folding alone: %.2fx; median of %d rounds, %d threads)%n", o.speedup(), o.foldedSpeedup(), rounds,
                Parallel.threads());
        OutputComparison c = o.comparison();
        out.printf(Locale.ROOT, "  test split (%d images): max |Δ logits| %.3g, predictions agree %.2f%%, accuracy %.2f%% -> %.2f%%%n", c.images(), c.maxAbsDiff(),
                100 * c.agreement(), 100 * c.accuracyA(), 100 * c.accuracyB());
        return 0;
    }
}
