package dev.lanes.engine.bench;

import dev.lanes.engine.KernelSet;
import dev.lanes.engine.Kernels;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.gemm.Gemm;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times an n×n×n SGEMM (C = A·B, row-major, no transposes) for {@code lanes bench gemm}: warm-up first so
 * the JIT has compiled the kernel, then timed calls until the time budget is spent, reporting the median
 * and best. GFLOPS counts 2·n³ floating-point operations per call.
 */
public final class GemmBenchmark {
    /** Default total time (warm-up + measurement) of one {@link #run}. */
    public static final double DEFAULT_BUDGET_SECONDS = 3.0;
    private static final int MIN_RUNS = 5;

    /**
     * One benchmark outcome.
     *
     * @param kernels label of the GEMM measured ("vector-256", "scalar")
     * @param runs number of timed calls
     */
    public record Result(String kernels, int n, int threads, int runs, double medianGflops, double bestGflops,
                         double medianMillis) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"benchmark\":\"gemm\",\"kernels\":\"%s\",\"n\":%d,\"threads\":%d,"
                            + "\"runs\":%d,\"median_gflops\":%.2f,\"best_gflops\":%.2f,\"median_ms\":%.3f}",
                    kernels, n, threads, runs, medianGflops, bestGflops, medianMillis);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "gemm %s n=%d threads=%d: median %.1f GFLOPS (%.3f ms), best %.1f GFLOPS, %d runs",
                    kernels, n, threads, medianGflops, medianMillis, bestGflops, runs);
        }
    }

    private GemmBenchmark() {}

    /** Benchmarks the GEMM of the active kernel set ({@link Kernels#active()}) with the default time budget. */
    public static Result run(int n, int threads) {
        return run(Kernels.active(), n, threads);
    }

    /** Benchmarks the GEMM of {@code kernels} with the default time budget. */
    public static Result run(KernelSet kernels, int n, int threads) {
        return run(kernels.gemm(), kernels.name(), n, threads, DEFAULT_BUDGET_SECONDS);
    }

    /**
     * Benchmarks {@code gemm} on n×n matrices with {@code threads} threads (the pool is resized for the run
     * and restored after) for about {@code budgetSeconds}, a third of it warm-up; at least
     * {@value #MIN_RUNS} timed calls whatever the budget.
     */
    public static Result run(Gemm gemm, String label, int n, int threads, double budgetSeconds) {
        if (n < 1) throw new IllegalArgumentException("gemm benchmark: n must be >= 1 but is " + n);
        if (threads < 1) throw new IllegalArgumentException("gemm benchmark: threads must be >= 1 but is " + threads);
        if (!(budgetSeconds > 0)) throw new IllegalArgumentException("gemm benchmark: budget must be > 0 s but is " + budgetSeconds);
        if ((long) n * n > Integer.MAX_VALUE) throw new IllegalArgumentException("gemm benchmark: n=" + n + " is too large for one array");
        float[] a = random(n * n, 1), b = random(n * n, 2), c = new float[n * n];
        int previous = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            long budget = (long) (budgetSeconds * 1e9), start = System.nanoTime();
            // Warm-up: a third of the budget, and at least a few calls so C2 compiles the kernel.
            for (int i = 0; i < 3 || System.nanoTime() - start < budget / 3; i++) {
                gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            }
            long[] times = new long[64];
            int runs = 0;
            while (runs < MIN_RUNS || System.nanoTime() - start < budget) {
                long t = System.nanoTime();
                gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                if (runs == times.length) times = Arrays.copyOf(times, 2 * runs);
                times[runs++] = System.nanoTime() - t;
            }
            long[] sorted = Arrays.copyOf(times, runs);
            Arrays.sort(sorted);
            double flops = 2.0 * n * n * n;
            long median = sorted[runs / 2];
            return new Result(label, n, threads, runs, flops / median, flops / Math.max(1, sorted[0]), median / 1e6);
        } finally {
            Parallel.setThreads(previous);
        }
    }

    private static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }
}
