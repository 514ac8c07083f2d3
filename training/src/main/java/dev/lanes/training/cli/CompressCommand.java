package dev.lanes.training.cli;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.TensorFile;
import dev.lanes.nn.surgery.LowRank;
import dev.lanes.nn.surgery.LowRankLayer;
import dev.lanes.training.Json;
import dev.lanes.training.ProgressListener;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingResult;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.lowrank.FineTuning;
import dev.lanes.training.lowrank.RankCriterion;
import dev.lanes.training.lowrank.RankPlan;
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

/**
 * {@code lanes compress lowrank MODEL --out F}: factorise the conv and linear layers by truncated SVD, compare outputs,
 * optionally fine-tune ({@link FineTuning}) before saving.
 */
final class CompressCommand {
    static final double FINE_TUNE_LR = 1e-3;
    static final int FINE_TUNE_BATCH = 64;

    static final String HELP = """
            Usage: lanes compress lowrank MODEL_FILE --out FILE [--energy X | --flops-ratio X] [options]
              Replaces each conv k×k C→K by k×k C→r then 1×1 r→K (a linear layer in→out by in→r then r→out),
              initialised from the truncated SVD of its weight, r chosen per layer; a layer whose rank would not
              save FLOPs is left as it is. Optionally fine-tunes the factorised model on the training split.
              Writes the factorised model, which eval, inspect and bench infer load, and prints each layer's rank
              and FLOPs, and the test accuracy before, after the factorisation and after fine-tuning.
              --out FILE         where to write the factorised model (required)
              --energy X         per layer the smallest rank keeping a share X of Σσ² (0 < X <= 1)
              --flops-ratio X    ranks chosen greedily (least σ² lost per FLOP saved) until the factorisable
                                 layers cost at most X of their FLOPs (default 0.5)
              --data DIR         data folder (default: the one the model was trained on if it exists, else the bundled MNIST)
              --test-limit N     compare outputs on the first N test images only (default all)
              --fine-tune-epochs N  fine-tune for N epochs before saving (default 0: no fine-tuning): Adam from a
                                 fresh state, learning rate cosine per step from --lr to 0
              --lr X             peak fine-tuning learning rate (default %s)
              --batch B          fine-tuning batch size (default %d)
              --limit N          fine-tune on the first N training images (default all)
              --seed S           seed of the fine-tuning batch order and augmentation (default 42)
              --threads T        compute threads (default: available processors)
              --json             print one JSON object (fine-tuning progress goes to stderr)
              --help             this text
            """.formatted(FINE_TUNE_LR, FINE_TUNE_BATCH);

    private CompressCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        if (argv.length > 0 && (argv[0].equals("--help") || argv[0].equals("-h"))) {
            out.print(HELP);
            return 0;
        }
        if (argv.length == 0 || !argv[0].equals("lowrank"))
            throw new UsageException("lanes compress: " + (argv.length == 0 ? "missing method" : "unknown method '" + argv[0] + "'") + "; use lowrank (see lanes compress --help)");
        Args a = new Args("lanes compress lowrank", java.util.Arrays.copyOfRange(argv, 1, argv.length),
                Set.of("out", "data", "energy", "flops-ratio", "test-limit", "threads", "fine-tune-epochs", "lr", "batch", "limit", "seed"), Set.of("json"), 1);
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
        int fineTuneEpochs = a.intValue("fine-tune-epochs", 0, 0, 100_000);
        double lr = a.doubleValue("lr", FINE_TUNE_LR, 0, true);
        int batch = a.intValue("batch", FINE_TUNE_BATCH, 1, 1 << 16);
        int limit = a.intValue("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        long seed = a.longValue("seed", 42);
        if (fineTuneEpochs == 0) {
            for (String k : List.of("lr", "batch", "limit", "seed")) if (a.has(k)) throw a.error("--" + k + " applies to fine-tuning only; add --fine-tune-epochs N");
        }
        Parallel.setThreads(a.intValue("threads", Parallel.threads(), 1, 1024));
        boolean json = a.flag("json");
        Path file = Path.of(a.positionals().get(0)), target = Path.of(a.string("out", null));
        TensorFile.Contents contents = TensorFile.read(file);
        ModelSpec spec = ModelSpec.fromMetadata(file, contents.metadata());
        Module model = spec.load(file);
        model.eval();
        int[] shape = {spec.channels(), spec.height(), spec.width()};
        RankCriterion criterion = a.has("energy") ? RankCriterion.energy(energy) : RankCriterion.flops(ratio);
        RankPlan plan = RankPlan.of(model, shape, criterion);
        Map<String, Integer> ranks = plan.ranks();
        Module factorised = LowRank.factorise(model, ranks);
        ModelData data = ModelData.resolve(a, file, spec);
        Dataset test = data.test(testLimit);
        OutputComparison c;
        double fineTuned = Double.NaN, fineTuneSeconds = 0;
        try (DataLoader vl = data.loader(test, 256)) {
            c = OutputComparison.of(model, factorised, vl);
            if (fineTuneEpochs > 0) {
                DataLoader.Builder tb = DataLoader.builder(data.train(limit)).batchSize(batch).shuffle(true).seed(seed).normalize(spec.mean(), spec.std());
                tb.standardAugmentation(data.source().augmentByDefault());
                try (DataLoader tl = tb.build()) {
                    factorised.train();
                    TrainingResult r = FineTuning.run(factorised, tl, fineTuneEpochs, (float) lr, seed,
                            List.of(new ProgressListener(json ? err : out, System.console() != null)));
                    fineTuneSeconds = r.trainSeconds();
                }
                fineTuned = Trainer.evaluate(factorised, vl, test.numClasses()).accuracy();
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(contents.metadata());
        meta.remove(ModelFile.ARCH); // the factorised model's own architecture is written instead
        meta.put("lowrank_from", file.toString());
        meta.put("lowrank_ranks", ranks.toString());
        if (fineTuneEpochs > 0) meta.put("lowrank_fine_tune", fineTuneEpochs + " epochs, lr " + lr + ", batch " + batch + ", seed " + seed);
        if (target.toAbsolutePath().getParent() != null) Files.createDirectories(target.toAbsolutePath().getParent());
        ModelFile.save(target, factorised, Map.of(), meta);

        List<Json> rows = new ArrayList<>();
        for (LowRankLayer l : plan.layers()) {
            rows.add(Json.object().put("path", l.path()).put("kind", l.isConv() ? "conv" : "linear").put("rows", l.rows()).put("cols", l.cols())
                    .put("rank", plan.rankOf(l)).put("max_rank", l.maxRank()).put("factorised", ranks.containsKey(l.path()))
                    .put("energy_kept", plan.energyKept(l)).put("flops_before", l.flops()).put("flops_after", plan.flopsAfter(l)));
        }
        // the accuracy of the written model: after fine-tuning when there was any
        double written = fineTuneEpochs > 0 ? fineTuned : c.accuracyB();
        if (json) {
            Json j = Json.object().put("model", spec.model()).put("file", file.toString()).put("out", target.toString()).put("data", data.dir().toString())
                    .put("mode", a.has("energy") ? "energy" : "flops-ratio").put("threshold", a.has("energy") ? energy : ratio)
                    .put("layers", rows).put("flops_before", plan.flopsBefore()).put("flops_after", plan.flopsAfter())
                    .put("conv_flops_before", plan.convFlopsBefore()).put("conv_flops_after", plan.convFlopsAfter()).put("test_images", c.images())
                    .put("max_abs_diff", c.maxAbsDiff()).put("agreement", c.agreement()).put("accuracy_before", c.accuracyA())
                    .put("accuracy_factorised", c.accuracyB()).put("fine_tune_epochs", fineTuneEpochs).put("accuracy_after", written);
            if (fineTuneEpochs > 0) j.put("fine_tune_lr", lr).put("fine_tune_seconds", fineTuneSeconds);
            out.println(j);
            return 0;
        }
        out.printf(Locale.ROOT, "%s (%s) -> %s: %d of %d layers factorised (%s)%n", file, spec.model(), target, ranks.size(), plan.layers().size(),
                a.has("energy") ? "energy " + energy : "FLOPs ratio " + ratio);
        String row = "  %-24s %-7s %12s %10s %9s %16s %16s%n";
        out.printf(Locale.ROOT, row, "layer", "kind", "weight", "rank", "σ² kept", "FLOPs before", "FLOPs after");
        for (LowRankLayer l : plan.layers()) {
            out.printf(Locale.ROOT, row, l.path(), l.isConv() ? "conv" : "linear", l.rows() + "×" + l.cols(),
                    ranks.containsKey(l.path()) ? plan.rankOf(l) + "/" + l.maxRank() : "kept",
                    String.format(Locale.ROOT, "%.2f%%", 100 * plan.energyKept(l)), String.format(Locale.ROOT, "%,d", l.flops()),
                    String.format(Locale.ROOT, "%,d", plan.flopsAfter(l)));
        }
        long convBefore = plan.convFlopsBefore(), convAfter = plan.convFlopsAfter();
        out.printf(Locale.ROOT, "  conv FLOPs per image %,d -> %,d (%.2fx fewer); conv + linear %,d -> %,d%n", convBefore, convAfter,
                convAfter == 0 ? 0.0 : (double) convBefore / convAfter, plan.flopsBefore(), plan.flopsAfter());
        out.printf(Locale.ROOT, "  test split (%d images, before fine-tuning): max |Δ logits| %.3g, predictions agree %.2f%%, accuracy %.2f%% -> %.2f%%%n",
                c.images(), c.maxAbsDiff(), 100 * c.agreement(), 100 * c.accuracyA(), 100 * c.accuracyB());
        if (fineTuneEpochs > 0)
            out.printf(Locale.ROOT, "  after %d fine-tuning epochs (lr %s cosine to 0, %.1f s): test accuracy %.2f%%%n", fineTuneEpochs, lr, fineTuneSeconds,
                    100 * fineTuned);
        return 0;
    }
}
