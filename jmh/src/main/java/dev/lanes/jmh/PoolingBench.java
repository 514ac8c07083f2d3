package dev.lanes.jmh;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.pool.PoolShape;
import dev.lanes.engine.pool.PoolingKernels;
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
 * The active set's pooling kernels ({@link Kernels#pooling()}): 2x2 stride 2 windows on 64×32×28×28 (pool1
 * of small-cnn) and global average pooling on 64×64×7×7. The primary score is calls per second; the
 * secondary {@code gb} counter is GB/s (10⁹ bytes), each array read or written once, with I input and O = I/4
 * output elements (4-byte floats and ints):
 * <ul>
 *   <li>maxForward: read x (I) + write y and argmax (2·O)</li>
 *   <li>maxBackward: read dy and argmax (2·O) + write dx (I; zero fill and scatter counted once)</li>
 *   <li>avgForward: read x (I) + write y (O)</li>
 *   <li>globalAvgForward: read x (n·c·hw) + write y (n·c)</li>
 * </ul>
 *
 * <pre>java -jar jmh/target/benchmarks.jar PoolingBench -f 1 -wi 2 -i 3 -w 1 -r 1</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class PoolingBench {
    @Param({"1", "2"})
    public int threads;

    private static final PoolShape WINDOW = PoolShape.of(64, 32, 28, 28, 2, 2, 0);
    private static final int GN = 64, GC = 64, GHW = 7 * 7;

    private PoolingKernels pool;
    private int previousThreads;
    private float[] x, y, dy, dx, gx, gy;
    private int[] argmax;


    @Setup(Level.Trial)
    public void setUp() {
        previousThreads = Parallel.threads();
        Parallel.setThreads(threads);
        pool = Kernels.pooling();
        SplittableRandom rnd = new SplittableRandom(42);
        x = BatchNormBench.random(rnd, WINDOW.inputSize(), -1, 1);
        dy = BatchNormBench.random(rnd, WINDOW.outputSize(), -1, 1);
        gx = BatchNormBench.random(rnd, GN * GC * GHW, -1, 1);
        y = new float[WINDOW.outputSize()];
        dx = new float[WINDOW.inputSize()];
        gy = new float[GN * GC];
        argmax = new int[WINDOW.outputSize()];
        pool.maxForward(WINDOW, x, 0, y, 0, argmax); // backward routes through a real argmax
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(previousThreads);
    }

    @Benchmark
    public float[] maxForward(Counters.Bytes bytes) {
        pool.maxForward(WINDOW, x, 0, y, 0, argmax);
        bytes.gb += 4e-9 * (WINDOW.inputSize() + 2L * WINDOW.outputSize());
        return y;
    }

    @Benchmark
    public float[] maxBackward(Counters.Bytes bytes) {
        pool.maxBackward(WINDOW, dy, 0, argmax, dx, 0);
        bytes.gb += 4e-9 * (WINDOW.inputSize() + 2L * WINDOW.outputSize());
        return dx;
    }

    @Benchmark
    public float[] avgForward(Counters.Bytes bytes) {
        pool.avgForward(WINDOW, x, 0, y, 0);
        bytes.gb += 4e-9 * (WINDOW.inputSize() + (long) WINDOW.outputSize());
        return y;
    }

    @Benchmark
    public float[] globalAvgForward(Counters.Bytes bytes) {
        pool.globalAvgForward(GN, GC, GHW, gx, 0, gy, 0);
        bytes.gb += 4e-9 * ((long) GN * GC * GHW + GN * GC);
        return gy;
    }
}
