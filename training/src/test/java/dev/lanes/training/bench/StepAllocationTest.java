package dev.lanes.training.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A steady-state training step should allocate nothing (ARCHITECTURE.md, "Workspaces"). Counts the bytes the
 * calling thread allocates over small-cnn steps after warm-up, with one thread so every kernel runs on it.
 * Worker threads are not counted here; {@code StepBench -prof gc} counts them.
 */
class StepAllocationTest {
    // C2 must have compiled the step: interpreted and C1 code allocates what C2's escape analysis removes.
    // On a loaded machine compilation finishes late, so the test measures several windows and keeps the best.
    private static final int WARMUP = 150, STEPS = 20, WINDOWS = 15;
    /**
     * Measured 0 bytes per step (GEMM was the last to allocate: its argument check built a message string on every
     * call and its parallel loops were capturing lambdas, about 25 KB per step; before the rest was fixed, 41 KB).
     * The bound leaves room for a stray JIT event (a recompilation or deoptimization in the measured window) but
     * fails as soon as one allocation per kernel call creeps back in (~260 GEMM calls alone per step).
     */
    private static final long BOUND_PER_STEP = 1024;

    @Test
    void smallCnnStepAllocatesAlmostNothing() {
        int previous = Parallel.threads();
        Parallel.setThreads(1);
        try {
            StepBenchmark.Step step = new StepBenchmark.Step("small-cnn", 64, 42);
            for (int i = 0; i < WARMUP; i++) step.run();
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().threadId();
            long best = Long.MAX_VALUE;
            float sink = 0;
            // at least WINDOWS windows, and more while C2 still compiles: on a loaded machine its queue falls behind
            // and interpreted vector code allocates (seen at load average 9); a real allocation fails at the deadline
            long deadline = System.nanoTime() + 60_000_000_000L;
            int windows = 0;
            for (; (windows < WINDOWS || System.nanoTime() < deadline) && best >= BOUND_PER_STEP; windows++) {
                long before = mx.getThreadAllocatedBytes(id);
                for (int i = 0; i < STEPS; i++) sink += step.run();
                best = Math.min(best, (mx.getThreadAllocatedBytes(id) - before) / STEPS);
            }
            assertTrue(Float.isFinite(sink), "loss became " + sink);
            assertTrue(best < BOUND_PER_STEP, "a steady-state small-cnn step allocated " + best + " bytes in the best of "
                    + windows + " windows (bound " + BOUND_PER_STEP + ")");
        } finally {
            Parallel.setThreads(previous);
        }
    }
}
