package dev.lanes.jmh;

import dev.lanes.engine.Parallel;
import dev.lanes.training.bench.StepBenchmark;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole training steps (forward, softmax cross-entropy, backward, Adam) of zoo models on a fixed random
 * batch, through {@link StepBenchmark.Step} (the unit {@code lanes bench step} times). The primary score is
 * ms per step. The {@code gflop} counter counts the trainer's 3 × forward FLOPs per step; in this
 * AverageTime mode JMH reports it as ms per GFLOP, so GFLOPS = 1000 / that value. MNIST models take 1×28×28 inputs, the others 3×32×32. With {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the bytes allocated per step by all threads (the goal is ≈ 0).
 *
 * <pre>java -jar jmh/target/benchmarks.jar StepBench -p model=small-cnn -p threads=1 -f 1 -wi 3 -i 3</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class StepBench {
    @Param({"small-cnn", "lenet5", "resnet8", "resnet20", "vgg11"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    @Param({"64"})
    public int batch;

    private StepBenchmark.Step step;
    private int previousThreads;


    @Setup(Level.Trial)
    public void setUp() {
        previousThreads = Parallel.threads();
        Parallel.setThreads(threads);
        step = new StepBenchmark.Step(model, batch, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(previousThreads);
    }

    @Benchmark
    public float step(Counters.Flops flops) {
        float loss = step.run();
        flops.gflop += step.flops * 1e-9;
        return loss;
    }
}
