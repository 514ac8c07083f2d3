package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** One arm (baseline or method) over all seeds, with mean ± std of what the table reports. */
public record ArmResult(String name, List<String> methods, List<RunResult> runs) {
    public ArmResult {
        methods = List.copyOf(methods);
        runs = List.copyOf(runs);
    }

    private Stats stats(ToDoubleFunction<RunResult> f) {
        double[] v = new double[runs.size()];
        for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(runs.get(i));
        return Stats.of(v);
    }

    public Stats testAccuracy() { return stats(RunResult::testAccuracy); }

    public Stats trainSeconds() { return stats(RunResult::trainSeconds); }

    /** Process CPU seconds of the training steps (NaN mean when a run did not measure them). */
    public Stats trainCpuSeconds() { return stats(RunResult::trainCpuSeconds); }

    /** The final models' inference ms per test batch (NaN mean when a run did not measure it). */
    public Stats inferMs() { return stats(RunResult::inferMs); }

    public Stats forwardFlops() { return stats(r -> r.forwardFlops()); }

    public Stats trainFlops() { return stats(r -> r.trainFlops()); }

    public Stats paramBytes() { return stats(r -> r.paramBytes()); }

    /** Seconds until each run first reached {@code target}, over the runs that did; {@link #reached} counts them. */
    public Stats secondsTo(double target) {
        List<Double> v = new ArrayList<>();
        for (RunResult r : runs) if (!Double.isNaN(r.secondsTo(target))) v.add(r.secondsTo(target));
        double[] a = new double[v.size()];
        for (int i = 0; i < a.length; i++) a[i] = v.get(i);
        return Stats.of(a);
    }

    public int reached(double target) {
        int n = 0;
        for (RunResult r : runs) if (!Double.isNaN(r.secondsTo(target))) n++;
        return n;
    }

    /** The ARM object of the experiment JSON; {@code target} adds seconds_to_baseline_accuracy (method arm). */
    public Json toJson(Double target) {
        Json j = Json.object().put("test_accuracy", testAccuracy().toJson()).put("train_seconds", trainSeconds().toJson())
                .put("forward_flops", forwardFlops().toJson()).put("train_flops", trainFlops().toJson())
                .put("param_bytes", Math.round(paramBytes().mean()));
        if (target != null) j.put("seconds_to_baseline_accuracy", secondsTo(target).toJson().put("reached", reached(target)));
        return j;
    }
}
