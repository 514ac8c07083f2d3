package dev.lanes.training.experiment;

import dev.lanes.training.Json;

/**
 * Mean and sample standard deviation (n - 1 in the denominator; 0 for a single value) of per-seed numbers.
 * Both are NaN for no values. Sums run in double in the given order, so the same inputs give the same bits.
 */
public record Stats(double mean, double std, int n) {
    public static Stats of(double... values) {
        int n = values.length;
        if (n == 0) return new Stats(Double.NaN, Double.NaN, 0);
        double sum = 0;
        for (double v : values) sum += v;
        double mean = sum / n;
        if (n == 1) return new Stats(mean, 0, 1);
        double sq = 0;
        for (double v : values) sq += (v - mean) * (v - mean);
        return new Stats(mean, Math.sqrt(sq / (n - 1)), n);
    }

    /** {@code {"mean", "std"}}; NaN is written as null. */
    public Json toJson() {
        return Json.object().put("mean", mean).put("std", std);
    }
}
