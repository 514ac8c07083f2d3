package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import dev.lanes.training.SvgChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of an experiment: baseline and method arms, any other arms ({@link Experiment#otherArms}), the
 * claims, and its table, JSON object and chart. {@code armFields} holds what the experiment adds to each
 * non-baseline arm's JSON object, by arm name.
 */
public record ExperimentReport(String experiment, ExperimentOptions options, ArmResult baseline, ArmResult method, List<ArmResult> others,
                               Map<String, Map<String, Object>> armFields, List<Claim> claims) {
    public ExperimentReport {
        others = List.copyOf(others);
        armFields = Map.copyOf(armFields);
        claims = List.copyOf(claims);
    }

    /** Two arms only. */
    public ExperimentReport(String experiment, ExperimentOptions options, ArmResult baseline, ArmResult method, List<Claim> claims) {
        this(experiment, options, baseline, method, List.of(), Map.of(), claims);
    }

    private Json armJson(ArmResult arm, Double target) {
        Json j = arm.toJson(target);
        armFields.getOrDefault(arm.name(), Map.of()).forEach(j::put);
        return j;
    }

    /** Non-baseline arms: the method, then the others. */
    private List<ArmResult> compared() {
        List<ArmResult> out = new ArrayList<>(List.of(method));
        out.addAll(others);
        return out;
    }

    /** The baseline's mean final test accuracy: the target of "seconds to baseline accuracy". */
    public double target() { return baseline.testAccuracy().mean(); }

    /**
     * {@code {"experiment", "model", "data", "seeds", "baseline": ARM, "method": ARM, "claims": [...]}} (the shape
     * issue 7 §6 fixes), with each other arm as {@code "NAME": ARM} after the method's. An experiment whose method
     * arm has a name of its own ({@link Experiment#methodArmName}, e.g. compose's "composed") writes its arms by name
     * instead: {@code {"experiment", "model", "data", "seeds", "arms": {"baseline": ARM, "composed": ARM, ...},
     * "claims"}}, each ARM with {@code infer_ms} (issue 14). {@link #toResultsJson} adds the options and every run.
     */
    public Json toJson() {
        List<Object> cs = new ArrayList<>();
        for (Claim c : claims) cs.add(c.toJson());
        Json j = Json.object().put("experiment", experiment).put("model", options.model()).put("data", options.data())
                .put("seeds", options.seeds());
        if (method.name().equals("method")) {
            j.put(baseline.name(), baseline.toJson(null));
            for (ArmResult a : compared()) j.put(a.name(), armJson(a, target()));
        } else {
            Json arms = Json.object().put(baseline.name(), baseline.toJson(null).put("infer_ms", baseline.inferMs().toJson()));
            for (ArmResult a : compared()) arms.put(a.name(), armJson(a, target()).put("infer_ms", a.inferMs().toJson()));
            j.put("arms", arms);
        }
        return j.put("claims", cs);
    }

    /** {@link #toJson} plus the options, the method arm's methods and every run, for results.json. */
    public Json toResultsJson() {
        Json j = toJson();
        j.put("options", Json.object().put("epochs", options.epochs()).put("limit", options.limit()).put("batch", options.batch())
                .put("lr", options.lr()).put("threads", options.threads()).put("schedule", "cosine per step to 0"));
        j.put("method_arm_methods", method.methods());
        for (ArmResult a : others) j.put(a.name() + "_arm_methods", a.methods());
        Json runs = Json.object();
        for (ArmResult a : arms()) {
            List<Object> rs = new ArrayList<>();
            for (RunResult r : a.runs()) rs.add(r.toJson());
            runs.put(a.name(), rs);
        }
        j.put("runs", runs);
        return j;
    }

    /** One table, mean ± std over seeds. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "experiment %s: %s on %s, %d epochs, %d seeds, limit %d, batch %d, lr %s (cosine to 0), %d threads%n",
                experiment, options.model(), options.data(), options.epochs(), options.seeds(), options.limit(), options.batch(),
                options.lr(), options.threads()));
        if (!method.methods().isEmpty()) sb.append(method.name()).append(" arm: ").append(String.join(" ", method.methods())).append('\n');
        for (ArmResult a : others) if (!a.methods().isEmpty()) sb.append(a.name()).append(" arm: ").append(String.join(" ", a.methods())).append('\n');
        for (ArmResult a : compared()) {
            Object model = armFields.getOrDefault(a.name(), Map.of()).get("model"); // an arm that trains another architecture
            if (model != null) sb.append(a.name()).append(" arm model: ").append(model).append('\n');
        }
        List<ArmResult> arms = arms();
        String cell = "%-24s";
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-32s", ""));
        for (ArmResult a : arms) head.append(String.format(Locale.ROOT, cell, a.name()));
        sb.append(head.toString().stripTrailing()).append('\n');
        row(sb, "test accuracy (%)", arms, a -> pct(a.testAccuracy()));
        row(sb, "train seconds", arms, a -> num(a.trainSeconds(), "%.1f"));
        if (!Double.isNaN(baseline.trainCpuSeconds().mean())) row(sb, "train CPU seconds (steps)", arms, a -> num(a.trainCpuSeconds(), "%.1f"));
        row(sb, "seconds to baseline accuracy", arms, a -> a == baseline ? "" : num(a.secondsTo(target()), "%.1f")
                + String.format(Locale.ROOT, " (%d/%d)", a.reached(target()), a.runs().size()));
        row(sb, "forward FLOPs", arms, a -> num(a.forwardFlops(), "%.3g"));
        row(sb, "training FLOPs", arms, a -> num(a.trainFlops(), "%.3g"));
        row(sb, "parameter bytes", arms, a -> String.format(Locale.ROOT, "%.0f", a.paramBytes().mean()));
        if (!Double.isNaN(baseline.inferMs().mean()))
            row(sb, "inference ms/batch " + options.batch(), arms, a -> num(a.inferMs(), "%.2f"));
        for (Claim c : claims) sb.append(c.holds() ? "holds:  " : "FAILS:  ").append(c.claim()).append(" (").append(c.paper()).append("): ")
                .append(c.measured()).append('\n');
        return sb.toString();
    }

    /** Baseline, method, then the other arms. */
    public List<ArmResult> arms() {
        List<ArmResult> out = new ArrayList<>(List.of(baseline));
        out.addAll(compared());
        return out;
    }

    private static void row(StringBuilder sb, String label, List<ArmResult> arms, java.util.function.Function<ArmResult, String> value) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-32s", label));
        for (ArmResult a : arms) line.append(String.format(Locale.ROOT, "%-24s", value.apply(a)));
        sb.append(line.toString().stripTrailing()).append('\n');
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
        String[] colors = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
        List<ArmResult> arms = arms();
        for (int a = 0; a < arms.size(); a++) {
            for (RunResult r : arms.get(a).runs()) lines.add(line(arms.get(a).name(), colors[a % colors.length], r));
        }
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
