package dev.lanes.training.cli;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.TensorFile;
import dev.lanes.nn.surgery.LowRank;
import dev.lanes.nn.surgery.LowRankLayer;
import dev.lanes.nn.surgery.RankChoice;
import dev.lanes.training.Json;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.sparsity.OutputComparison;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code lanes compress lowrank MODEL --out F}: factorise the conv and linear layers by truncated SVD and compare outputs. */
final class CompressCommand {
    static final String HELP = """
            Usage: lanes compress lowrank MODEL_FILE --out FILE [--energy X | --flops-ratio X] [options]
              Replaces each conv k×k C→K by k×k C→r then 1×1 r→K (a linear layer in→out by in→r then r→out),
              initialised from the truncated SVD of its weight (no fine-tuning), r chosen per layer; a layer whose
              rank would not save FLOPs is left as it is. Writes the factorised model, which eval, inspect and bench
              infer load, and prints each layer's rank and FLOPs, and the test accuracy before and after.
              --out FILE         where to write the factorised model (required)
              --energy X         per layer the smallest rank keeping a share X of Σσ² (0 < X <= 1)
              --flops-ratio X    ranks chosen greedily (least σ² lost per FLOP saved) until the factorisable
                                 layers cost at most X of their FLOPs (default 0.5)
              --data DIR         data folder (default: the one the model was trained on if it exists, else the bundled MNIST)
              --test-limit N     compare outputs on the first N test images only (default all)
              --threads T        compute threads (default: available processors)
              --json             print one JSON object
              --help             this text
            """;

    private CompressCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        if (argv.length > 0 && (argv[0].equals("--help") || argv[0].equals("-h"))) {
            out.print(HELP);
            return 0;
        }
        if (argv.length == 0 || !argv[0].equals("lowrank"))
            throw new UsageException("lanes compress: " + (argv.length == 0 ? "missing method" : "unknown method '" + argv[0] + "'") + "; use lowrank (see lanes compress --help)");
        Args a = new Args("lanes compress lowrank", java.util.Arrays.copyOfRange(argv, 1, argv.length),
                Set.of("out", "data", "energy", "flops-ratio", "test-limit", "threads"), Set.of("json"), 1);
        if (a.help()) {
            out.print(HELP);
            return 0;
        }
        if (a.positionals().isEmpty()) throw a.error("missing MODEL_FILE");
        if (!a.has("out")) throw a.error("missing --out FILE");
        if (a.has("energy") && a.has("flops-ratio")) throw a.error("--energy and --flops-ratio exclude each other");
        double energy = a.doubleValue("energy", 1, 0, true), ratio = a.doubleValue("flops-ratio", 0.5, 0, true);
        if (energy > 1) throw a.error("--energy must be at most 1 but is " + energy);
        if (ratio > 1) throw a.error("--flops-ratio must be at most 1 but is " + ratio);
        int testLimit = a.intValue("test-limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        Parallel.setThreads(a.intValue("threads", Parallel.threads(), 1, 1024));
        Path file = Path.of(a.positionals().get(0)), target = Path.of(a.string("out", null));
        TensorFile.Contents contents = TensorFile.read(file);
        ModelSpec spec = ModelSpec.fromMetadata(file, contents.metadata());
        Module model = spec.load(file);
        model.eval();
        int[] shape = {1, spec.channels(), spec.height(), spec.width()};
        List<LowRankLayer> layers = LowRank.layers(model, shape);
        Map<String, Integer> ranks = a.has("energy") ? RankChoice.byEnergy(layers, energy) : RankChoice.byFlops(layers, ratio);
        Module factorised = LowRank.factorise(model, ranks);
        ModelData data = ModelData.resolve(a, file, spec);
        Dataset test = data.test(testLimit);
        OutputComparison c;
        try (DataLoader vl = data.loader(test, 256)) {
            c = OutputComparison.of(model, factorised, vl);
        }
        Map<String, String> meta = new LinkedHashMap<>(contents.metadata());
        meta.remove(ModelFile.ARCH); // the factorised model's own architecture is written instead
        meta.put("lowrank_from", file.toString());
        meta.put("lowrank_ranks", ranks.toString());
        if (target.toAbsolutePath().getParent() != null) Files.createDirectories(target.toAbsolutePath().getParent());
        ModelFile.save(target, factorised, Map.of(), meta);

        long before = 0, after = 0, convBefore = 0, convAfter = 0;
        List<Json> rows = new ArrayList<>();
        for (LowRankLayer l : layers) {
            Integer r = ranks.get(l.path());
            long f = r == null ? l.flops() : l.flops(r);
            before += l.flops();
            after += f;
            if (l.isConv()) {
                convBefore += l.flops();
                convAfter += f;
            }
            double kept = l.energy() == 0 ? 1 : 1 - l.tailEnergy(r == null ? l.maxRank() : r) / l.energy();
            rows.add(Json.object().put("path", l.path()).put("kind", l.isConv() ? "conv" : "linear").put("rows", l.rows()).put("cols", l.cols())
                    .put("rank", r == null ? l.maxRank() : r).put("max_rank", l.maxRank()).put("factorised", r != null)
                    .put("energy_kept", kept).put("flops_before", l.flops()).put("flops_after", f));
        }
        if (a.flag("json")) {
            Json j = Json.object().put("model", spec.model()).put("file", file.toString()).put("out", target.toString()).put("data", data.dir().toString())
                    .put("mode", a.has("energy") ? "energy" : "flops-ratio").put("threshold", a.has("energy") ? energy : ratio)
                    .put("layers", rows).put("flops_before", before).put("flops_after", after).put("conv_flops_before", convBefore)
                    .put("conv_flops_after", convAfter).put("test_images", c.images()).put("max_abs_diff", c.maxAbsDiff())
                    .put("agreement", c.agreement()).put("accuracy_before", c.accuracyA()).put("accuracy_after", c.accuracyB());
            out.println(j);
            return 0;
        }
        out.printf(Locale.ROOT, "%s (%s) -> %s: %d of %d layers factorised (%s)%n", file, spec.model(), target, ranks.size(), layers.size(),
                a.has("energy") ? "energy " + energy : "FLOPs ratio " + ratio);
        String row = "  %-24s %-7s %12s %10s %9s %16s %16s%n";
        out.printf(Locale.ROOT, row, "layer", "kind", "weight", "rank", "σ² kept", "FLOPs before", "FLOPs after");
        for (LowRankLayer l : layers) {
            Integer r = ranks.get(l.path());
            double kept = l.energy() == 0 ? 1 : 1 - l.tailEnergy(r == null ? l.maxRank() : r) / l.energy();
            out.printf(Locale.ROOT, row, l.path(), l.isConv() ? "conv" : "linear", l.rows() + "×" + l.cols(), r == null ? "kept" : r + "/" + l.maxRank(),
                    String.format(Locale.ROOT, "%.2f%%", 100 * kept), String.format(Locale.ROOT, "%,d", l.flops()),
                    String.format(Locale.ROOT, "%,d", r == null ? l.flops() : l.flops(r)));
        }
        out.printf(Locale.ROOT, "  conv FLOPs per image %,d -> %,d (%.2fx fewer); conv + linear %,d -> %,d%n", convBefore, convAfter,
                convAfter == 0 ? 0.0 : (double) convBefore / convAfter, before, after);
        out.printf(Locale.ROOT, "  test split (%d images, before fine-tuning): max |Δ logits| %.3g, predictions agree %.2f%%, accuracy %.2f%% -> %.2f%%%n",
                c.images(), c.maxAbsDiff(), 100 * c.agreement(), 100 * c.accuracyA(), 100 * c.accuracyB());
        return 0;
    }
}
