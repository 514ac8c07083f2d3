package dev.lanes.jmh;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.activation.ActivationKernels;
import java.util.SplittableRandom;
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
 * The active set's activation kernels ({@link Kernels#activation()}) on 64×32×28×28 (relu1 of small-cnn).
 * The primary score is calls per second; the secondary {@code gb} counter is GB/s (10⁹ bytes) under this
 * byte model, one read or write of each array per element:
 * <ul>
 *   <li>reluForward, biasReluForward: read x + write y = 2 × 4 bytes/element (the bias is negligible)</li>
 *   <li>reluBackward: read y and dy + write dx = 3 × 4 bytes/element</li>
 * </ul>
 * x is half negative, so the max and the backward mask are not trivially predictable.
 *
 * <pre>java -jar jmh/target/benchmarks.jar ActivationBench -f 1 -wi 2 -i 3 -w 1 -r 1</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class ActivationBench {
    @Param({"1", "2"})
    public int threads;

    private static final int N = 64, C = 32, HW = 28 * 28, SIZE = N * C * HW;

    private ActivationKernels act;
    private int previousThreads;
    private float[] x, y, dy, dx, bias;


    @Setup(Level.Trial)
    public void setUp() {
        previousThreads = Parallel.threads();
        Parallel.setThreads(threads);
        act = Kernels.activation();
        SplittableRandom rnd = new SplittableRandom(42);
        x = BatchNormBench.random(rnd, SIZE, -1, 1);
        dy = BatchNormBench.random(rnd, SIZE, -1, 1);
        bias = BatchNormBench.random(rnd, C, -0.1, 0.1);
        y = new float[SIZE];
        dx = new float[SIZE];
        act.reluForward(x, 0, y, 0, SIZE); // backward's mask comes from a real forward output
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(previousThreads);
    }

    @Benchmark
    public float[] reluForward(Counters.Bytes bytes) {
        act.reluForward(x, 0, y, 0, SIZE);
        bytes.gb += 2 * 4e-9 * SIZE;
        return y;
    }

    @Benchmark
    public float[] reluBackward(Counters.Bytes bytes) {
        act.reluBackward(y, 0, dy, 0, dx, 0, SIZE);
        bytes.gb += 3 * 4e-9 * SIZE;
        return dx;
    }

    @Benchmark
    public float[] biasReluForward(Counters.Bytes bytes) {
        act.biasReluForward(N, C, HW, x, 0, bias, y, 0);
        bytes.gb += 2 * 4e-9 * SIZE;
        return y;
    }
}
