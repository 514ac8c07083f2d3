package dev.lanes.engine.bench;

import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fp32 FMA throughput this JVM reaches on this CPU, for {@code lanes bench peak}: twelve independent
 * fused multiply-add chains of the preferred vector width, so neither the FMA latency (4-5 cycles on the CPUs
 * here, two FMA pipes) nor memory limits it. The "share of peak" printed beside kernel and model figures divides
 * by this, a measured ceiling rather than a datasheet's clock. Only loaded when the vector module is present.
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final long ITERATIONS = 200_000_000L;

    /** The outcome: GFLOPS per thread and in all, over {@code rounds} timed rounds after a warm-up. */
    public record Result(int lanes, int threads, double medianGflops, double bestGflops) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"benchmark\":\"peak\",\"float_lanes\":%d,\"threads\":%d,\"median_gflops\":%.1f,"
                    + "\"best_gflops\":%.1f,\"median_gflops_per_thread\":%.1f}", lanes, threads, medianGflops, bestGflops, medianGflops / threads);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "peak fp32 FMA, %d float lanes, %d threads: median %.1f GFLOPS (%.1f per thread), best %.1f",
                    lanes, threads, medianGflops, medianGflops / threads, bestGflops);
        }
    }

    private FmaPeak() {}

    /** Runs the chains on {@code threads} threads at once, {@code rounds} times after a warm-up. */
    public static Result run(int threads, int rounds) throws InterruptedException {
        if (threads < 1) throw new IllegalArgumentException("peak benchmark: threads must be >= 1 but is " + threads);
        if (rounds < 1) throw new IllegalArgumentException("peak benchmark: rounds must be >= 1 but is " + rounds);
        // Warm-up with short calls: C2 compiles (and intrinsifies) chains() as a whole method after a few hundred
        // calls, whereas one long first call stays in slow interpreted/OSR code for seconds.
        float sink = 0;
        for (int i = 0; i < 2000; i++) sink += chains(2_000);
        if (Float.isNaN(sink)) throw new AssertionError("unreachable: keeps the warm-up alive");
        double[] gflops = new double[rounds];
        for (int r = 0; r < rounds; r++) gflops[r] = oneRound(threads);
        Arrays.sort(gflops);
        return new Result(SPECIES.length(), threads, gflops[rounds / 2], gflops[rounds - 1]);
    }

    private static double oneRound(int threads) throws InterruptedException {
        Thread[] workers = new Thread[threads];
        float[] sink = new float[threads];
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> sink[id] = chains(ITERATIONS));
            workers[t].start();
        }
        for (Thread w : workers) w.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (Float.isNaN(sink[0])) throw new AssertionError("unreachable: keeps the chains alive");
        return threads * ITERATIONS * 12.0 * SPECIES.length() * 2 / seconds / 1e9;
    }

    private static float chains(long iterations) {
        FloatVector x = FloatVector.broadcast(SPECIES, 0.999999f), y = FloatVector.broadcast(SPECIES, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0,
                a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
