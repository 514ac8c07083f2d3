package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import dev.lanes.training.sparsity.SparsityReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lanes experiment sparsity --sweep}: Adam + L2 at several λ, dead-filter fractions and accuracy per λ. */
record SparsitySweepReport(ExperimentOptions options, Map<Double, List<SparsityRun>> runs) implements CustomExperiment.Report {
    private List<Double> sorted() { return runs.keySet().stream().sorted().toList(); }

    private Stats dead(double l2) { return SparsityExperimentReport.stats(runs.get(l2), r -> r.report().deadFraction()); }

    private Stats accuracy(double l2) { return SparsityExperimentReport.stats(runs.get(l2), SparsityRun::testAccuracy); }

    List<SparsityExperimentReport.Check> checks() {
        List<Double> l = sorted();
        List<SparsityExperimentReport.Check> c = new ArrayList<>();
        boolean grows = true;
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < l.size(); i++) {
            if (i > 0 && dead(l.get(i)).mean() < dead(l.get(i - 1)).mean()) grows = false;
            seq.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "λ %s: %.1f%%", l.get(i), 100 * dead(l.get(i)).mean()));
        }
        c.add(new SparsityExperimentReport.Check("the dead-filter fraction grows with the L2 strength", "Mehta et al.", seq.toString(), l.size() < 2 ? null : grows));
        if (l.get(0) == 0.0)
            c.add(new SparsityExperimentReport.Check("without regularisation (λ 0) no filter dies", "Mehta et al.: the effect vanishes without regularisation",
                    String.format(Locale.ROOT, "%.1f%% dead", 100 * dead(0.0).mean()), dead(0.0).mean() == 0));
        return c;
    }

    @Override
    public Json toJson() {
        List<Object> points = new ArrayList<>();
        for (double l2 : sorted()) points.add(Json.object().put("l2", l2).put("dead_fraction", dead(l2).toJson()).put("test_accuracy", accuracy(l2).toJson()));
        return Json.object().put("experiment", "sparsity").put("sweep", Json.object().put("arm", SparsityExperiment.ADAM_L2).put("points", points));
    }

    @Override
    public Json toResultsJson() {
        Json j = toJson();
        j.put("options", Json.object().put("model", options.model()).put("data", options.data()).put("epochs", options.epochs()).put("seeds", options.seeds())
                .put("limit", options.limit()).put("batch", options.batch()).put("lr", options.lr()).put("threads", options.threads()));
        List<Object> rs = new ArrayList<>();
        for (double l2 : sorted()) for (SparsityRun r : runs.get(l2))
            rs.add(Json.object().put("l2", l2).put("seed", r.seed()).put("test_accuracy", r.testAccuracy()).put("train_seconds", r.trainSeconds())
                    .put("file", r.file().toString()).put("sparsity", r.report().toJson()));
        j.put("runs", rs);
        List<Object> cs = new ArrayList<>();
        for (SparsityExperimentReport.Check c : checks()) cs.add(c.toJson());
        j.put("checks", cs);
        return j;
    }

    @Override
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "experiment sparsity --sweep: %s with Adam (peak lr %s) + L2 on %s, %d epochs, %d seeds, limit %d, batch %d, cosine to 0%n",
                options.model(), options.lr(), options.data(), options.epochs(), options.seeds(), options.limit(), options.batch()));
        List<SparsityReport.LayerStats> layers = runs.values().iterator().next().get(0).report().layers();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-9s %-15s %-15s %-15s", "λ", "test acc (%)", "dead (%)", "dead act (%)"));
        for (SparsityReport.LayerStats l : layers) head.append(String.format(Locale.ROOT, " %-13s", l.name() + " (" + l.channels() + ")"));
        sb.append(head).append('\n');
        for (double l2 : sorted()) {
            List<SparsityRun> rs = runs.get(l2);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-9s %-15s %-15s %-15s", l2, SparsityExperimentReport.pct(accuracy(l2)),
                    SparsityExperimentReport.pct(dead(l2)), SparsityExperimentReport.pct(SparsityExperimentReport.stats(rs, r -> (double) r.report().deadByActivation() / r.report().filters()))));
            for (int l = 0; l < layers.size(); l++) row.append(String.format(Locale.ROOT, " %-13s", SparsityExperimentReport.pct(SparsityExperimentReport.layerStats(rs, l))));
            sb.append(row).append('\n');
        }
        for (SparsityExperimentReport.Check c : checks()) sb.append(c.line()).append('\n');
        return sb.toString();
    }
}
