package dev.lanes.training.experiment;

import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.training.Json;
import dev.lanes.training.bench.InferenceBenchmark;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.lowrank.RankPlan;
import dev.lanes.training.methods.MethodSpec;
import dev.lanes.training.methods.Methods;
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
 * Low-rank factorisation with fine-tuning (issue 15) by {@link ExperimentRunner}: the baseline trains the model
 * for E epochs; the method arm is the same run (data, seeds, batch order, cosine schedule to 0) with
 * {@code lowrank:at=A,flops=R}: at the start of epoch A (default E/2 + 1) the model is factorised by truncated
 * SVD and the remaining epochs fine-tune it. Afterwards both final models of each seed are measured: conv FLOPs
 * per image, and inference throughput by {@link InferenceBenchmark} (the two models alternating round by round,
 * median images/s). Defaults: small-cnn, {@value #EPOCHS} epochs on the first {@value #LIMIT} training images,
 * batch 64, Adam 2e-3. Claims: the target, ≥ 2× fewer conv FLOPs (every seed), test accuracy at most
 * 1 point below the baseline's mean, and faster inference (mean of the per-seed speed-ups above 1).
 */
final class LowRankExperiment implements CustomExperiment {
    static final int EPOCHS = 4, LIMIT = 15_000, ROUNDS = 15, PASSES = 10;

    @Override public String name() { return "lowrank"; }

    @Override
    public String description() {
        return "low-rank factorisation mid-run, then fine-tuning (lowrank:at=E/2+1,flops=0.5); conv FLOPs and measured inference speed of the final models";
    }

    @Override
    public ExperimentOptions defaults(ExperimentOptions c) {
        return new ExperimentOptions("small-cnn", c.data(), EPOCHS, 3, LIMIT, 64, 2e-3, c.threads());
    }

    @Override
    public Map<String, String> valueOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("at", "the epoch whose start factorises the model (default epochs/2 + 1)");
        m.put("flops-ratio", "the factorisable layers' FLOPs budget, a share of theirs (default 0.5)");
        m.put("energy", "instead of a FLOPs budget, per layer the smallest rank keeping this share of Σσ²");
        m.put("rounds", "inference timing rounds per model (default " + ROUNDS + ")");
        return m;
    }

    /** The method arm's method, checked. */
    static MethodSpec method(ExperimentOptions o, Map<String, String> extra) {
        if (extra.containsKey("flops-ratio") && extra.containsKey("energy")) throw new IllegalArgumentException("--flops-ratio and --energy exclude each other");
        Map<String, String> opts = new LinkedHashMap<>();
        String at = extra.getOrDefault("at", Integer.toString(o.epochs() / 2 + 1));
        opts.put("at", at);
        if (extra.containsKey("energy")) opts.put("energy", extra.get("energy"));
        else opts.put("flops", extra.getOrDefault("flops-ratio", "0.5"));
        MethodSpec spec = new MethodSpec("lowrank", opts);
        try {
            Methods.create(spec);
            int a = Integer.parseInt(at);
            if (a > o.epochs()) throw new IllegalArgumentException("at=" + a + " is after the last epoch (" + o.epochs() + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--at/--flops-ratio/--energy: " + e.getMessage(), e);
        }
        return spec;
    }

    /** One seed's pair of final models, measured. */
    record Pair(long seed, long baselineConvFlops, long methodConvFlops, InferenceBenchmark.Result baseline, InferenceBenchmark.Result method) {
        double flopsReduction() { return (double) baselineConvFlops / methodConvFlops; }

        double speedup() { return method.medianImagesPerSecond() / baseline.medianImagesPerSecond(); }

        Json toJson() {
            return Json.object().put("seed", seed).put("baseline_conv_flops", baselineConvFlops).put("method_conv_flops", methodConvFlops)
                    .put("conv_flops_reduction", flopsReduction()).put("baseline_images_per_second", baseline.medianImagesPerSecond())
                    .put("method_images_per_second", method.medianImagesPerSecond()).put("speedup", speedup());
        }
    }

    @Override
    public Report run(ExperimentOptions o, Map<String, String> extra, Dataset train, Dataset test, boolean augment, Path out, PrintStream log)
            throws IOException {
        MethodSpec lowrank = method(o, extra);
        int rounds = CustomExperiment.positiveInt(extra, "rounds", ROUNDS);
        Files.createDirectories(out);
        Experiment arms = new Experiment() {
            @Override public String name() { return "lowrank"; }
            @Override public String description() { return LowRankExperiment.this.description(); }
            @Override public List<MethodSpec> methods(ExperimentOptions options) { return List.of(lowrank); }
            @Override public List<Claim> claims(ExperimentOptions options, ArmResult baseline, ArmResult method) { return List.of(); }
        };
        ExperimentReport runs = ExperimentRunner.run(arms, o, train, test, augment, out, log);
        int[] shape = train.imageShape();
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < o.seeds(); i++) {
            long seed = o.seed(i);
            Module b = ModelFile.read(out.resolve("models").resolve("baseline-seed" + seed + ".lanes")).build();
            Module m = ModelFile.read(out.resolve("models").resolve("method-seed" + seed + ".lanes")).build();
            List<InferenceBenchmark.Result> speed = InferenceBenchmark.compare(List.of(b, m), shape, o.batch(), rounds, PASSES);
            Pair p = new Pair(seed, RankPlan.convFlops(b, shape), RankPlan.convFlops(m, shape), speed.get(0), speed.get(1));
            pairs.add(p);
            log.println(String.format(Locale.ROOT, "seed %d: conv FLOPs/image %,d -> %,d (%.2fx fewer); inference batch %d: %.0f -> %.0f images/s (%.3fx)",
                    seed, p.baselineConvFlops(), p.methodConvFlops(), p.flopsReduction(), o.batch(), p.baseline().medianImagesPerSecond(),
                    p.method().medianImagesPerSecond(), p.speedup()));
        }
        ExperimentReport report = new ExperimentReport(runs.experiment(), o, runs.baseline(), runs.method(), runs.others(), runs.armFields(),
                claimsOf(runs.baseline(), runs.method(), pairs));
        Files.writeString(out.resolve("experiment.svg"), report.svg());
        return new Report() {
            @Override public String table() { return report.table() + measuredTable(pairs, o.batch(), rounds); }

            @Override public Json toJson() { return report.toJson().put("final_models", pairsJson(pairs, o.batch(), rounds)); }

            @Override public Json toResultsJson() { return report.toResultsJson().put("final_models", pairsJson(pairs, o.batch(), rounds)); }
        };
    }

    private static Stats stats(List<Pair> pairs, java.util.function.ToDoubleFunction<Pair> f) {
        double[] v = new double[pairs.size()];
        for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(pairs.get(i));
        return Stats.of(v);
    }

    private static Json pairsJson(List<Pair> pairs, int batch, int rounds) {
        List<Object> rows = new ArrayList<>();
        for (Pair p : pairs) rows.add(p.toJson());
        return Json.object().put("inference_batch", batch).put("inference_rounds", rounds).put("inference_passes_per_round", PASSES)
                .put("conv_flops_reduction", stats(pairs, Pair::flopsReduction).toJson()).put("speedup", stats(pairs, Pair::speedup).toJson())
                .put("baseline_images_per_second", stats(pairs, p -> p.baseline().medianImagesPerSecond()).toJson())
                .put("method_images_per_second", stats(pairs, p -> p.method().medianImagesPerSecond()).toJson()).put("seeds", rows);
    }

    private static String measuredTable(List<Pair> pairs, int batch, int rounds) {
        Stats bf = stats(pairs, p -> p.baselineConvFlops()), mf = stats(pairs, p -> p.methodConvFlops());
        Stats bi = stats(pairs, p -> p.baseline().medianImagesPerSecond()), mi = stats(pairs, p -> p.method().medianImagesPerSecond());
        Stats red = stats(pairs, Pair::flopsReduction), sp = stats(pairs, Pair::speedup);
        return String.format(Locale.ROOT, "%-32s%-24s%-24s%n", "final models", "baseline", "method")
                + String.format(Locale.ROOT, "%-32s%-24s%-24s%n", "conv FLOPs per image", String.format(Locale.ROOT, "%,.0f", bf.mean()),
                String.format(Locale.ROOT, "%,.0f ± %,.0f", mf.mean(), mf.std()))
                + String.format(Locale.ROOT, "%-32s%-24s%-24s%n", "inference images/s (median)", String.format(Locale.ROOT, "%.0f ± %.0f", bi.mean(), bi.std()),
                String.format(Locale.ROOT, "%.0f ± %.0f", mi.mean(), mi.std()))
                + String.format(Locale.ROOT, "conv FLOPs %.2f ± %.2f x fewer; inference %.3f ± %.3f x the baseline's (batch %d, %d alternating rounds of %d passes, per-seed pairs)%n",
                red.mean(), red.std(), sp.mean(), sp.std(), batch, rounds, PASSES);
    }

    static List<Claim> claimsOf(ArmResult baseline, ArmResult method, List<Pair> pairs) {
        Stats diff = RescaleExperiment.accuracyDiff(baseline, method), red = stats(pairs, Pair::flopsReduction), sp = stats(pairs, Pair::speedup);
        double minReduction = Double.POSITIVE_INFINITY;
        for (Pair p : pairs) minReduction = Math.min(minReduction, p.flopsReduction());
        double below = 100 * (baseline.testAccuracy().mean() - method.testAccuracy().mean());
        String acc = String.format(Locale.ROOT, "test accuracy %.2f ± %.2f%% against the baseline's %.2f ± %.2f%%: %.2f points below its mean (per-seed %+.2f ± %.2f)",
                100 * method.testAccuracy().mean(), 100 * method.testAccuracy().std(), 100 * baseline.testAccuracy().mean(),
                100 * baseline.testAccuracy().std(), below, diff.mean(), diff.std());
        String flops = String.format(Locale.ROOT, "conv FLOPs per image %.2f ± %.2f x fewer (least %.2f x)", red.mean(), red.std(), minReduction);
        String speed = String.format(Locale.ROOT, "inference %.3f ± %.3f x the baseline's images/s (per-seed pairs)", sp.mean(), sp.std());
        String paper = "rank-r factorisation of conv layers with fine-tuning: about 2x faster convolutions within 1% accuracy (Denton et al. 2014, Jaderberg et al. 2014)";
        boolean flopsHold = minReduction >= 2, accHold = below <= 1, speedHold = sp.mean() > 1;
        return List.of(
                new Claim(">= 2x fewer conv FLOPs at <= 1 point lower test accuracy after fine-tuning, and faster inference (issue 15 target)", paper,
                        flops + "; " + acc + "; " + speed, flopsHold && accHold && speedHold),
                new Claim("conv FLOPs per image >= 2x fewer than the baseline's, every seed", "lanes", flops, flopsHold),
                new Claim("test accuracy <= 1 point below the baseline's mean", "lanes", acc, accHold),
                new Claim("the factorised final model infers faster than the baseline's (median images/s, alternating)", "lanes", speed, speedHold));
    }
}
