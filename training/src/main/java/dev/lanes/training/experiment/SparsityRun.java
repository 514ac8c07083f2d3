package dev.lanes.training.experiment;

import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.AdamW;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.optim.Sgd;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingListener;
import dev.lanes.training.TrainingResult;
import dev.lanes.training.TrainingView;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.sparsity.SparsityAnalysis;
import dev.lanes.training.sparsity.SparsityReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One training run of the sparsity experiment: a zoo model trained with one optimizer (Adam with L2, AdamW
 * with decoupled decay, or SGD with momentum 0.9 and L2) under the shared cosine-per-step schedule to 0, then
 * the sparsity analysis over the same training images (unshuffled, eval mode). The model is saved with the
 * metadata {@code lanes train} writes, so {@code lanes inspect --sparsity}, {@code prune} and {@code eval} take it.
 */
record SparsityRun(String arm, long seed, double l2, double testAccuracy, double trainSeconds, SparsityReport report, Module model, Path file) {
    /** How an arm optimizes: "adam", "adamw" or "sgd", its peak learning rate and its L2 or decoupled decay. */
    record Optim(String kind, double lr, double decay) {
        Optimizer create(Module net) {
            return switch (kind) {
                case "adam" -> new Adam(net.namedParameters(), (float) lr, 0.9f, 0.999f, 1e-8f, (float) decay);
                case "adamw" -> new AdamW(net.namedParameters(), (float) lr, 0.9f, 0.999f, 1e-8f, (float) decay);
                case "sgd" -> new Sgd(net.namedParameters(), (float) lr, 0.9f, (float) decay, false);
                default -> throw new IllegalArgumentException("sparsity experiment: unknown optimizer '" + kind + "'");
            };
        }
    }

    static SparsityRun train(String arm, Optim optim, ExperimentOptions o, long seed, Dataset train, Dataset test, float[][] norm, boolean augment,
                             Path out, PrintStream log) throws IOException {
        int[] shape = train.imageShape();
        Module net = Zoo.create(o.model(), shape[0], shape[1], shape[2], train.numClasses(), seed);
        DataLoader.Builder tb = DataLoader.builder(train).batchSize(o.batch()).shuffle(true).seed(seed).normalize(norm[0], norm[1]);
        tb.standardAugmentation(augment);
        try (DataLoader tl = tb.build();
             DataLoader vl = DataLoader.builder(test).batchSize(o.batch()).normalize(norm[0], norm[1]).build();
             DataLoader analysis = DataLoader.builder(train).batchSize(256).normalize(norm[0], norm[1]).build()) {
            Trainer trainer = Trainer.builder(net, optim.create(net), tl).validation(vl).epochs(o.epochs()).seed(seed)
                    .schedule(CosineLr.perIteration((float) optim.lr(), 0f, o.epochs()))
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpochEnd(EpochMetrics m, TrainingView run) {
                            log.println(String.format(Locale.ROOT, "%s seed %d epoch %d/%d: test accuracy %.2f%%, %.1f s", arm, seed, m.epoch(), o.epochs(),
                                    100 * m.valAccuracy(), m.trainSeconds()));
                        }
                    }).build();
            TrainingResult r = trainer.fit();
            Module model = trainer.model();
            double seconds = 0;
            for (EpochMetrics m : r.history()) seconds += m.trainSeconds();
            long t0 = System.nanoTime();
            SparsityReport report = SparsityAnalysis.over(model, analysis);
            log.println(String.format(Locale.ROOT, "%s seed %d: %d of %d filters dead (%.1f%%; by activation %d, by |γ| %d) over %d training images (%.1f s)",
                    arm, seed, report.dead(), report.filters(), 100 * report.deadFraction(), report.deadByActivation(), report.deadByGamma(), train.size(),
                    (System.nanoTime() - t0) / 1e9));
            Path dir = out.resolve("models");
            Files.createDirectories(dir);
            Path file = dir.resolve(arm + "-seed" + seed + ".lanes");
            ModelFile.save(file, model, Map.of(), metadata(o, train, norm, optim, seed));
            return new SparsityRun(arm, seed, optim.decay(), r.last().valAccuracy(), seconds, report, model, file);
        }
    }

    /** The metadata keys of lanes train's model files (cli.ModelSpec), plus how the run optimized. */
    private static Map<String, String> metadata(ExperimentOptions o, Dataset train, float[][] norm, Optim optim, long seed) {
        int[] s = train.imageShape();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", o.model());
        m.put("in_channels", Integer.toString(s[0]));
        m.put("height", Integer.toString(s[1]));
        m.put("width", Integer.toString(s[2]));
        m.put("num_classes", Integer.toString(train.numClasses()));
        m.put("norm_mean", floats(norm[0]));
        m.put("norm_std", floats(norm[1]));
        m.put("data_dir", o.data());
        m.put("optimizer", optim.kind());
        m.put("lr", Double.toString(optim.lr()));
        m.put("weight_decay", Double.toString(optim.decay()));
        m.put("epochs", Integer.toString(o.epochs()));
        m.put("batch", Integer.toString(o.batch()));
        m.put("seed", Long.toString(seed));
        m.put("limit", Integer.toString(train.size()));
        return m;
    }

    private static String floats(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i > 0 ? "," : "").append(v[i]);
        return sb.toString();
    }
}
