package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import dev.lanes.training.sparsity.PruneMeasurement;
import dev.lanes.training.sparsity.SparsityReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The sparsity experiment's outcome: per arm (mean ± std over seeds) test accuracy and dead-filter fractions,
 * in total and per layer; the pruned Adam + L2 models; and the checks of the paper's ordering and of the
 * pruning targets.
 */
record SparsityExperimentReport(ExperimentOptions options, Map<String, SparsityRun.Optim> arms, Map<String, List<SparsityRun>> runs,
                                List<PruneMeasurement> pruned) implements CustomExperiment.Report {
    /** A statement checked against the measurements; {@code holds} null when its precondition is not met. */
    record Check(String claim, String source, String measured, Boolean holds) {
        Json toJson() { return Json.object().put("claim", claim).put("source", source).put("measured", measured).put("holds", holds); }

        String line() {
            return (holds == null ? "n/a:    " : holds ? "holds:  " : "FAILS:  ") + claim + " (" + source + "): " + measured;
        }
    }

    static Stats stats(List<SparsityRun> runs, ToDoubleFunction<SparsityRun> f) {
        return Stats.of(runs.stream().mapToDouble(f).toArray());
    }

    static Stats layerStats(List<SparsityRun> runs, int layer) {
        return stats(runs, r -> r.report().layers().get(layer).deadFraction());
    }

    Stats dead(String arm) { return stats(runs.get(arm), r -> r.report().deadFraction()); }

    Stats accuracy(String arm) { return stats(runs.get(arm), SparsityRun::testAccuracy); }

    private static Stats prunedStats(List<PruneMeasurement> p, ToDoubleFunction<PruneMeasurement> f) {
        return Stats.of(p.stream().mapToDouble(f).toArray());
    }

    List<Check> checks() {
        List<Check> c = new ArrayList<>();
        Stats a = dead(SparsityExperiment.ADAM_L2), w = dead(SparsityExperiment.ADAMW), s = dead(SparsityExperiment.SGD);
        c.add(new Check("Adam + L2 leaves more dead filters than AdamW (decoupled decay)", "Mehta et al.: L2 rather than decoupled decay under Adam",
                String.format(Locale.ROOT, "%.1f%% vs %.1f%% dead", 100 * a.mean(), 100 * w.mean()), a.mean() > w.mean()));
        c.add(new Check("Adam + L2 leaves more dead filters than SGD + momentum", "Mehta et al.: SGD shows far less",
                String.format(Locale.ROOT, "%.1f%% vs %.1f%% dead", 100 * a.mean(), 100 * s.mean()), a.mean() > s.mean()));
        if (!pruned.isEmpty()) {
            double maxDiff = pruned.stream().mapToDouble(p -> p.comparison().maxAbsDiff()).max().orElseThrow();
            double agree = pruned.stream().mapToDouble(p -> p.comparison().agreement()).min().orElseThrow();
            c.add(new Check("the pruned Adam + L2 models predict as the originals: 100% agreement, max |Δ logits| <= 1e-4", "lanes target",
                    String.format(Locale.ROOT, "agreement %.4f (lowest over seeds), max |Δ logits| %.3g (largest)", agree, maxDiff), agree == 1.0 && maxDiff <= 1e-4));
            double removed = prunedStats(pruned, PruneMeasurement::removedFraction).mean(), speedup = prunedStats(pruned, PruneMeasurement::speedup).mean();
            c.add(new Check("with >= 30% of filters dead, batch-64 inference >= 1.3x faster", "lanes target (paper: speed-up at par with explicit pruning)",
                    String.format(Locale.ROOT, "%.1f%% of filters removed, %.2fx faster (BN folding alone %.2fx)", 100 * removed, speedup,
                            prunedStats(pruned, PruneMeasurement::foldedSpeedup).mean()),
                    removed < 0.3 ? null : speedup >= 1.3));
        }
        return c;
    }

    /** The last line of {@code --json}: the shape issue 11 fixes. */
    @Override
    public Json toJson() {
        Json arms = Json.object();
        for (String a : runs.keySet()) arms.put(a, Json.object().put("dead_fraction", dead(a).toJson()).put("test_accuracy", accuracy(a).toJson()));
        Json j = Json.object().put("experiment", "sparsity").put("arms", arms);
        if (!pruned.isEmpty()) {
            j.put("pruned", Json.object().put("arm", SparsityExperiment.ADAM_L2)
                    .put("dead_fraction", prunedStats(pruned, PruneMeasurement::removedFraction).mean())
                    .put("params_before", Math.round(prunedStats(pruned, p -> p.paramsBefore()).mean()))
                    .put("params_after", Math.round(prunedStats(pruned, p -> p.paramsAfter()).mean()))
                    .put("flops_before", Math.round(prunedStats(pruned, p -> p.flopsBefore()).mean()))
                    .put("flops_after", Math.round(prunedStats(pruned, p -> p.flopsAfter()).mean()))
                    .put("max_abs_diff", pruned.stream().mapToDouble(p -> p.comparison().maxAbsDiff()).max().orElseThrow())
                    .put("prediction_agreement", pruned.stream().mapToDouble(p -> p.comparison().agreement()).min().orElseThrow())
                    .put("inference_speedup", prunedStats(pruned, PruneMeasurement::speedup).mean()));
        }
        return j;
    }

    @Override
    public Json toResultsJson() {
        Json j = toJson();
        j.put("aggregation", "arms: mean and std over seeds; pruned: means over the seeds' Adam + L2 models, except max_abs_diff (largest) and "
                + "prediction_agreement (lowest); pruned.dead_fraction is the fraction of conv filters removed (dead by activation at every ReLU of their group)");
        j.put("options", Json.object().put("model", options.model()).put("data", options.data()).put("epochs", options.epochs()).put("seeds", options.seeds())
                .put("limit", options.limit()).put("batch", options.batch()).put("threads", options.threads()).put("schedule", "cosine per step to 0"));
        Json armInfo = Json.object();
        for (Map.Entry<String, SparsityRun.Optim> e : arms.entrySet()) {
            String a = e.getKey();
            List<SparsityRun> rs = runs.get(a);
            Json layers = Json.object();
            for (int l = 0; l < rs.get(0).report().layers().size(); l++) layers.put(rs.get(0).report().layers().get(l).name(), layerStats(rs, l).toJson());
            List<Object> perRun = new ArrayList<>();
            for (SparsityRun r : rs) perRun.add(Json.object().put("seed", r.seed()).put("test_accuracy", r.testAccuracy()).put("train_seconds", r.trainSeconds())
                    .put("file", r.file().toString()).put("sparsity", r.report().toJson()));
            armInfo.put(a, Json.object().put("optimizer", e.getValue().kind()).put("lr", e.getValue().lr()).put("decay", e.getValue().decay())
                    .put("dead_fraction", dead(a).toJson()).put("dead_activation_fraction", stats(rs, r -> (double) r.report().deadByActivation() / r.report().filters()).toJson())
                    .put("dead_gamma_fraction", stats(rs, r -> (double) r.report().deadByGamma() / r.report().filters()).toJson())
                    .put("test_accuracy", accuracy(a).toJson()).put("train_seconds", stats(rs, SparsityRun::trainSeconds).toJson())
                    .put("dead_fraction_by_layer", layers).put("runs", perRun));
        }
        j.put("arm_details", armInfo);
        List<Object> ps = new ArrayList<>();
        for (PruneMeasurement p : pruned) ps.add(p.toJson());
        j.put("pruned_per_seed", ps);
        List<Object> cs = new ArrayList<>();
        for (Check c : checks()) cs.add(c.toJson());
        j.put("checks", cs);
        return j;
    }

    @Override
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "experiment sparsity: %s on %s, %d epochs, %d seeds, limit %d, batch %d, cosine to 0, %d threads%n", options.model(),
                options.data(), options.epochs(), options.seeds(), options.limit(), options.batch(), options.threads()));
        for (Map.Entry<String, SparsityRun.Optim> e : arms.entrySet())
            sb.append(String.format(Locale.ROOT, "  %-8s %s, peak lr %s, %s %s%n", e.getKey(), e.getValue().kind(), e.getValue().lr(),
                    e.getValue().kind().equals("adamw") ? "decoupled decay" : "L2", e.getValue().decay()));
        List<SparsityReport.LayerStats> layers = runs.values().iterator().next().get(0).report().layers();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-9s %-15s %-15s %-15s %-15s", "arm", "test acc (%)", "dead (%)", "dead act (%)", "dead |γ| (%)"));
        for (SparsityReport.LayerStats l : layers) head.append(String.format(Locale.ROOT, " %-13s", l.name() + " (" + l.channels() + ")"));
        sb.append(head).append('\n');
        for (String a : runs.keySet()) {
            List<SparsityRun> rs = runs.get(a);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-9s %-15s %-15s %-15s %-15s", a, pct(accuracy(a)), pct(dead(a)),
                    pct(stats(rs, r -> (double) r.report().deadByActivation() / r.report().filters())),
                    pct(stats(rs, r -> (double) r.report().deadByGamma() / r.report().filters()))));
            for (int l = 0; l < layers.size(); l++) row.append(String.format(Locale.ROOT, " %-13s", pct(layerStats(rs, l))));
            sb.append(row).append('\n');
        }
        sb.append("dead: by either criterion (max after BN+ReLU < 1e-12 over the training images in eval mode, or |γ| < 1e-3); per layer: dead (either)\n");
        for (int i = 0; i < pruned.size(); i++) {
            PruneMeasurement p = pruned.get(i);
            sb.append(String.format(Locale.ROOT, "pruned %s seed %d: filters %d -> %d, params %,d -> %,d, FLOPs %,d -> %,d, max |Δ logits| %.3g, agreement %.2f%%, "
                            + "batch-64 %.0f -> %.0f images/s (%.2fx; folding alone %.2fx)%n", SparsityExperiment.ADAM_L2, runs.get(SparsityExperiment.ADAM_L2).get(i).seed(),
                    p.pruning().filtersBefore(), p.pruning().filtersAfter(), p.paramsBefore(), p.paramsAfter(), p.flopsBefore(), p.flopsAfter(),
                    p.comparison().maxAbsDiff(), 100 * p.comparison().agreement(), p.speed().get(0).medianImagesPerSecond(), p.speed().get(2).medianImagesPerSecond(),
                    p.speedup(), p.foldedSpeedup()));
        }
        for (Check c : checks()) sb.append(c.line()).append('\n');
        return sb.toString();
    }

    static String pct(Stats s) {
        return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * s.mean(), 100 * s.std());
    }
}
