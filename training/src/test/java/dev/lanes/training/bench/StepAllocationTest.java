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
    // enough for C2 to compile the step: before that, interpreted and C1 code allocates what C2 removes
    private static final int WARMUP = 300, STEPS = 20;
    /**
     * What remains is GEMM's: its argument check builds a message string on every call and its parallel loops
     * are capturing lambdas (about 25 KB per small-cnn step in all; before the rest was fixed, 41 KB). Everything else allocates nothing;
     * lower this to 1 KiB once GEMM allocates nothing either.
     */
    private static final long BOUND_PER_STEP = 28 * 1024;

    @Test
    void smallCnnStepAllocatesAlmostNothing() {
        int previous = Parallel.threads();
        Parallel.setThreads(1);
        try {
            StepBenchmark.Step step = new StepBenchmark.Step("small-cnn", 64, 42);
            for (int i = 0; i < WARMUP; i++) step.run();
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(id);
            float sink = 0;
            for (int i = 0; i < STEPS; i++) sink += step.run();
            long perStep = (mx.getThreadAllocatedBytes(id) - before) / STEPS;
            assertTrue(Float.isFinite(sink), "loss became " + sink);
            assertTrue(perStep < BOUND_PER_STEP, "a steady-state small-cnn step allocated " + perStep + " bytes (bound " + BOUND_PER_STEP + ")");
        } finally {
            Parallel.setThreads(previous);
        }
    }
}
