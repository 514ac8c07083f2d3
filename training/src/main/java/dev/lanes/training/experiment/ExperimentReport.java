package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import dev.lanes.training.SvgChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The outcome of an experiment: both arms, the claims, and its table, JSON object and chart. */
public record ExperimentReport(String experiment, ExperimentOptions options, ArmResult baseline, ArmResult method, List<Claim> claims) {
    /** The baseline's mean final test accuracy: the target of "seconds to baseline accuracy". */
    public double target() { return baseline.testAccuracy().mean(); }

    /**
     * {@code {"experiment", "model", "data", "seeds", "baseline": ARM, "method": ARM, "claims": [...]}} (the shape
     * issue 7 §6 fixes); {@link #toResultsJson} adds the options and every run.
     */
    public Json toJson() {
        List<Object> cs = new ArrayList<>();
        for (Claim c : claims) cs.add(c.toJson());
        return Json.object().put("experiment", experiment).put("model", options.model()).put("data", options.data())
                .put("seeds", options.seeds()).put("baseline", baseline.toJson(null)).put("method", method.toJson(target()))
                .put("claims", cs);
    }

    /** {@link #toJson} plus the options, the method arm's methods and every run, for results.json. */
    public Json toResultsJson() {
        Json j = toJson();
        j.put("options", Json.object().put("epochs", options.epochs()).put("limit", options.limit()).put("batch", options.batch())
                .put("lr", options.lr()).put("threads", options.threads()).put("schedule", "cosine per step to 0"));
        j.put("method_arm_methods", method.methods());
        List<Object> b = new ArrayList<>(), m = new ArrayList<>();
        for (RunResult r : baseline.runs()) b.add(r.toJson());
        for (RunResult r : method.runs()) m.add(r.toJson());
        j.put("runs", Json.object().put("baseline", b).put("method", m));
        return j;
    }

    /** One table, mean ± std over seeds. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "experiment %s: %s on %s, %d epochs, %d seeds, limit %d, batch %d, lr %s (cosine to 0), %d threads%n",
                experiment, options.model(), options.data(), options.epochs(), options.seeds(), options.limit(), options.batch(),
                options.lr(), options.threads()));
        if (!method.methods().isEmpty()) sb.append("method arm: ").append(String.join(" ", method.methods())).append('\n');
        String row = "%-32s %-22s %-22s%n";
        sb.append(String.format(Locale.ROOT, row, "", "baseline", "method"));
        sb.append(String.format(Locale.ROOT, row, "test accuracy (%)", pct(baseline.testAccuracy()), pct(method.testAccuracy())));
        sb.append(String.format(Locale.ROOT, row, "train seconds", num(baseline.trainSeconds(), "%.1f"), num(method.trainSeconds(), "%.1f")));
        if (!Double.isNaN(baseline.trainCpuSeconds().mean()))
            sb.append(String.format(Locale.ROOT, row, "train CPU seconds (steps)", num(baseline.trainCpuSeconds(), "%.1f"), num(method.trainCpuSeconds(), "%.1f")));
        Stats to = method.secondsTo(target());
        sb.append(String.format(Locale.ROOT, row, "seconds to baseline accuracy", "",
                num(to, "%.1f") + String.format(Locale.ROOT, " (%d/%d)", method.reached(target()), method.runs().size())));
        sb.append(String.format(Locale.ROOT, row, "forward FLOPs", num(baseline.forwardFlops(), "%.3g"), num(method.forwardFlops(), "%.3g")));
        sb.append(String.format(Locale.ROOT, row, "training FLOPs", num(baseline.trainFlops(), "%.3g"), num(method.trainFlops(), "%.3g")));
        sb.append(String.format(Locale.ROOT, row, "parameter bytes", String.format(Locale.ROOT, "%.0f", baseline.paramBytes().mean()),
                String.format(Locale.ROOT, "%.0f", method.paramBytes().mean())));
        for (Claim c : claims) sb.append(c.holds() ? "holds:  " : "FAILS:  ").append(c.claim()).append(" (").append(c.paper()).append("): ")
                .append(c.measured()).append('\n');
        return sb.toString();
    }

    private static String pct(Stats s) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * s.mean(), 100 * s.std());
    }

    private static String num(Stats s, String f) {
        if (s.n() == 0) return "never";
        return String.format(Locale.ROOT, f + " ± " + f, s.mean(), s.std());
    }

    /** Test accuracy against training seconds, one line per arm and seed. */
    public String svg() {
        List<SvgChart.XySeries> lines = new ArrayList<>();
        for (RunResult r : baseline.runs()) lines.add(line("baseline", "#1f77b4", r));
        for (RunResult r : method.runs()) lines.add(line("method", "#d62728", r));
        return SvgChart.renderXy("experiment " + experiment + ": " + options.model() + ", " + options.seeds() + " seeds",
                "training seconds", "test accuracy (%)", lines);
    }

    private static SvgChart.XySeries line(String arm, String color, RunResult r) {
        double[] x = new double[r.seconds().length + 1], y = new double[x.length];
        y[0] = Double.NaN; // no accuracy before the first epoch
        for (int i = 0; i < r.seconds().length; i++) {
            x[i + 1] = r.seconds()[i];
            y[i + 1] = 100 * r.accuracy()[i];
        }
        return new SvgChart.XySeries(arm, color, x, y);
    }
}
