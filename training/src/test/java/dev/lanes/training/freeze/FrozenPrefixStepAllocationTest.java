package dev.lanes.training.freeze;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.Step;
import dev.lanes.training.TestData;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingState;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.MnistDataset;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A steady-state step that reads the frozen prefix from the cache allocates nothing, like the ordinary step
 * ({@code StepAllocationTest}): the bytes the calling thread allocates inside {@link FrozenPrefixStep#train},
 * best of several windows after warm-up (C2 must have compiled it), one compute thread.
 */
class FrozenPrefixStepAllocationTest {
    private static final int WARMUP = 150, STEPS = 20;
    private static final long BOUND_PER_STEP = 1024;

    /** Measures the allocation of the wrapped step's calls from step WARMUP on, in windows of STEPS. */
    private static final class Measured implements Step {
        final FrozenPrefixStep inner;
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long calls, windowBytes, best = Long.MAX_VALUE;

        Measured(FrozenPrefixStep inner) { this.inner = inner; }

        @Override public String name() { return "measured"; }

        @Override
        public float train(TrainingState state, DataLoader.Batch b) {
            long id = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(id);
            float l = inner.train(state, b);
            long bytes = mx.getThreadAllocatedBytes(id) - before;
            if (++calls > WARMUP) {
                windowBytes += bytes;
                if ((calls - WARMUP) % STEPS == 0) {
                    best = Math.min(best, windowBytes / STEPS);
                    windowBytes = 0;
                }
            }
            return l;
        }

        @Override public int correct() { return inner.correct(); }
    }

    @Test
    void aCachedStepAllocatesAlmostNothing() {
        int previous = Parallel.threads();
        Parallel.setThreads(1);
        try {
            Sequential model = Zoo.create("vgg11-w0.125", 1, 10, 1);
            Adam opt = new Adam(model.namedParameters(), 1e-3f);
            Stages stages = Stages.of(model);
            FrozenPrefixStep step = new FrozenPrefixStep(stages, ActivationCache.Precision.HALF, 1 << 20, null);
            step.freeze(4, opt);
            Measured measured = new Measured(step);
            DataLoader train = DataLoader.builder(TestData.mnistTrain().subset(0, 256)).batchSize(32).shuffle(true).seed(3)
                    .normalize(MnistDataset.MEAN, MnistDataset.STD).build();
            // 8 steps per epoch: epoch 1 fills the cache, the rest read it; 40 epochs give 320 steps
            Trainer.builder(model, opt, train).epochs(40).step(measured).build().fit();
            // more epochs while C2 still compiles (its queue falls behind on a loaded machine, and interpreted
            // vector code allocates); a real allocation fails at the deadline
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (measured.best >= BOUND_PER_STEP && System.nanoTime() < deadline) {
                Trainer.builder(model, opt, train).epochs(10).step(measured).build().fit();
            }
            assertTrue(step.cacheComplete());
            assertTrue(measured.best < BOUND_PER_STEP, "a steady-state cached step allocated " + measured.best + " bytes (bound " + BOUND_PER_STEP + ")");
        } finally {
            Parallel.setThreads(previous);
        }
    }
}
