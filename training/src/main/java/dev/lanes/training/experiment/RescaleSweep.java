package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import dev.lanes.training.SvgChart;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.DatasetStats;
import dev.lanes.training.methods.MethodSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lanes experiment rescale --sweep}: the trade-off curve of kernel rescaling. For every switch epoch
 * s = 0..E it trains the rescale experiment's method with {@code switch=s} (s = 0 is the baseline: the method
 * then does nothing) for each seed, and reports training time and final test accuracy, mean ± std, and the
 * per-seed ratio and difference against s = 0. For each seed the switch epochs run in a rotated order so
 * that a shared machine's drift does not always hit the same ones.
 */
public final class RescaleSweep {
    /** One switch epoch over all seeds; {@code runs} in seed order. */
    public record Point(int switchEpoch, List<RunResult> runs) {}

    private RescaleSweep() {}

    public static List<Point> run(ExperimentOptions o, Dataset train, Dataset test, boolean augment, Path out, PrintStream log) throws IOException {
        if (o.limit() < train.size()) train = train.subset(0, o.limit());
        float[][] norm = DatasetStats.meanStd(train);
        Files.createDirectories(out);
        ExperimentRunner.warmUp(o, train, test, norm, augment, out);
        Map<String, String> warm = new LinkedHashMap<>(RescaleExperiment.METHOD_OPTIONS);
        warm.put("switch", "1"); // the low-resolution shapes and the switch get compiled before the timed runs too
        ExperimentRunner.warmUp(o, 0, train, test, norm, augment, out, List.of(new MethodSpec("rescale", warm)));
        int n = o.epochs() + 1;
        List<List<RunResult>> bySwitch = new ArrayList<>();
        for (int s = 0; s < n; s++) bySwitch.add(new ArrayList<>());
        for (int i = 0; i < o.seeds(); i++) {
            for (int j = 0; j < n; j++) {
                int s = (j + i) % n;
                Map<String, String> opts = new LinkedHashMap<>(RescaleExperiment.METHOD_OPTIONS);
                opts.put("switch", Integer.toString(s));
                bySwitch.get(s).add(ExperimentRunner.runOne("switch " + s, List.of(new MethodSpec("rescale", opts)), o, 0, o.seed(i), train, test, norm,
                        augment, out, log));
            }
        }
        List<Point> points = new ArrayList<>();
        for (int s = 0; s < n; s++) points.add(new Point(s, bySwitch.get(s)));
        return points;
    }

    private static Stats stats(List<RunResult> runs, java.util.function.ToDoubleFunction<RunResult> f) {
        double[] v = new double[runs.size()];
        for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(runs.get(i));
        return Stats.of(v);
    }

    /** Per seed: f(run, the same seed's switch-0 run). */
    private static Stats paired(List<RunResult> runs, List<RunResult> base, java.util.function.ToDoubleBiFunction<RunResult, RunResult> f) {
        double[] v = new double[runs.size()];
        for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(runs.get(i), base.get(i));
        return Stats.of(v);
    }

    private static Stats timeRatio(List<RunResult> runs, List<RunResult> base) {
        return paired(runs, base, (r, b) -> r.trainSeconds() / b.trainSeconds());
    }

    private static Stats cpuRatio(List<RunResult> runs, List<RunResult> base) {
        return paired(runs, base, (r, b) -> r.trainCpuSeconds() / b.trainCpuSeconds());
    }

    private static Stats accuracyDiff(List<RunResult> runs, List<RunResult> base) {
        return paired(runs, base, (r, b) -> 100 * (r.testAccuracy() - b.testAccuracy()));
    }

    public static String table(ExperimentOptions o, List<Point> points) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "rescale sweep: %s on %s, %d epochs, %d seeds, limit %d, batch %d, lr %s (cosine to 0), %d threads%n",
                o.model(), o.data(), o.epochs(), o.seeds(), o.limit(), o.batch(), o.lr(), o.threads()));
        sb.append("method: rescale:").append(options("s")).append(" (switch 0 = baseline)\n");
        String row = "%-8s %-16s %-18s %-18s %-16s %-18s%n";
        sb.append(String.format(Locale.ROOT, row, "switch", "train seconds", "time vs switch 0", "CPU vs switch 0", "test accuracy %", "points vs switch 0"));
        List<RunResult> base = points.get(0).runs();
        for (Point p : points) {
            Stats t = stats(p.runs(), RunResult::trainSeconds), a = stats(p.runs(), RunResult::testAccuracy);
            Stats r = timeRatio(p.runs(), base), c = cpuRatio(p.runs(), base), d = accuracyDiff(p.runs(), base);
            sb.append(String.format(Locale.ROOT, row, p.switchEpoch(), String.format(Locale.ROOT, "%.1f ± %.1f", t.mean(), t.std()),
                    String.format(Locale.ROOT, "%.3f ± %.3f", r.mean(), r.std()), String.format(Locale.ROOT, "%.3f ± %.3f", c.mean(), c.std()),
                    String.format(Locale.ROOT, "%.2f ± %.2f", 100 * a.mean(), 100 * a.std()), String.format(Locale.ROOT, "%+.2f ± %.2f", d.mean(), d.std())));
        }
        return sb.toString();
    }

    private static String options(String switchValue) {
        Map<String, String> opts = new LinkedHashMap<>(RescaleExperiment.METHOD_OPTIONS);
        opts.put("switch", switchValue);
        return new MethodSpec("rescale", opts).toString().substring("rescale:".length());
    }

    public static Json json(ExperimentOptions o, List<Point> points) {
        List<Object> ps = new ArrayList<>();
        List<RunResult> base = points.get(0).runs();
        for (Point p : points) {
            List<Object> runs = new ArrayList<>();
            for (RunResult r : p.runs()) runs.add(r.toJson());
            ps.add(Json.object().put("switch", p.switchEpoch()).put("train_seconds", stats(p.runs(), RunResult::trainSeconds).toJson())
                    .put("test_accuracy", stats(p.runs(), RunResult::testAccuracy).toJson())
                    .put("time_ratio", timeRatio(p.runs(), base).toJson()).put("cpu_ratio", cpuRatio(p.runs(), base).toJson())
                    .put("accuracy_diff_points", accuracyDiff(p.runs(), base).toJson())
                    .put("runs", runs));
        }
        return Json.object().put("experiment", "rescale-sweep").put("model", o.model()).put("data", o.data()).put("epochs", o.epochs())
                .put("seeds", o.seeds()).put("limit", o.limit()).put("method", "rescale:" + options("s")).put("points", ps);
    }

    /** Final test accuracy against training seconds: one line per seed through the switch epochs 0..E, and their mean. */
    public static String svg(ExperimentOptions o, List<Point> points) {
        List<SvgChart.XySeries> lines = new ArrayList<>();
        int seeds = points.get(0).runs().size();
        for (int i = 0; i < seeds; i++) {
            double[] x = new double[points.size()], y = new double[points.size()];
            for (int s = 0; s < points.size(); s++) {
                x[s] = points.get(s).runs().get(i).trainSeconds();
                y[s] = 100 * points.get(s).runs().get(i).testAccuracy();
            }
            lines.add(new SvgChart.XySeries("seed " + o.seed(i), "#9ecae1", x, y));
        }
        double[] x = new double[points.size()], y = new double[points.size()];
        for (int s = 0; s < points.size(); s++) {
            x[s] = stats(points.get(s).runs(), RunResult::trainSeconds).mean();
            y[s] = 100 * stats(points.get(s).runs(), RunResult::testAccuracy).mean();
        }
        lines.add(new SvgChart.XySeries("mean (switch " + (points.size() - 1) + " at the left ... 0 at the right)", "#d62728", x, y));
        return SvgChart.renderXy("rescale sweep: " + o.model() + ", " + o.epochs() + " epochs, " + seeds + " seeds", "training seconds",
                "final test accuracy (%)", lines);
    }
}
