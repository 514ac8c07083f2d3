package dev.lanes.jmh;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.norm.BatchNormKernels;
import java.util.Arrays;
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
 * The active set's batch norm kernels ({@link Kernels#batchNorm()}) on the small-cnn BN shapes. The primary
 * score is calls per second; the secondary {@code gb} counter is GB/s (10⁹ bytes) under this byte model,
 * which counts the passes the kernel makes over the n·c·hw floats (per-channel arrays are negligible):
 * <ul>
 *   <li>forwardTraining: read x twice (statistics pass, normalise pass) + write y = 3 × 4 bytes/element</li>
 *   <li>backward: read x and dy twice (sums pass, dx pass) + write dx = 5 × 4 bytes/element</li>
 *   <li>forwardInference: read x + write y = 2 × 4 bytes/element</li>
 * </ul>
 * A second pass may hit cache, so this is bytes requested by the kernel, not DRAM traffic.
 *
 * <pre>java -jar jmh/target/benchmarks.jar BatchNormBench -f 1 -wi 2 -i 3 -w 1 -r 1</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class BatchNormBench {
    /** N×C×H×W: bn1 and bn2 of small-cnn at batch 64. */
    @Param({"64x32x28x28", "64x64x14x14"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private static final float EPS = 1e-5f, MOMENTUM = 0.1f;

    private BatchNormKernels bn;
    private int n, c, hw, previousThreads;
    private float[] x, y, dy, dx, gamma, beta, runningMean, runningVar, saveMean, saveInvStd, dgamma, dbeta;
    private double elementBytes; // 4 · n·c·hw, in GB


    @Setup(Level.Trial)
    public void setUp() {
        previousThreads = Parallel.threads();
        Parallel.setThreads(threads);
        int[] d = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        n = d[0];
        c = d[1];
        hw = d[2] * d[3];
        bn = Kernels.batchNorm();
        SplittableRandom rnd = new SplittableRandom(42);
        int size = n * c * hw;
        x = random(rnd, size, -1, 1);
        dy = random(rnd, size, -1, 1);
        y = new float[size];
        dx = new float[size];
        gamma = random(rnd, c, 0.5, 1.5);
        beta = random(rnd, c, -0.5, 0.5);
        runningMean = new float[c];
        runningVar = new float[c];
        Arrays.fill(runningVar, 1f);
        saveMean = new float[c];
        saveInvStd = new float[c];
        dgamma = new float[c];
        dbeta = new float[c];
        elementBytes = 4e-9 * size;
        // backward needs the saved statistics of a training forward
        bn.forwardTraining(n, c, hw, x, 0, gamma, beta, EPS, MOMENTUM, runningMean, runningVar, saveMean, saveInvStd, y, 0);
    }

    /** dgamma/dbeta accumulate; reset them so they stay small over a long run. */
    @Setup(Level.Iteration)
    public void zeroGrads() {
        Arrays.fill(dgamma, 0f);
        Arrays.fill(dbeta, 0f);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(previousThreads);
    }

    static float[] random(SplittableRandom rnd, int size, double lo, double hi) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) rnd.nextDouble(lo, hi);
        return a;
    }

    @Benchmark
    public float[] forwardTraining(Counters.Bytes bytes) {
        bn.forwardTraining(n, c, hw, x, 0, gamma, beta, EPS, MOMENTUM, runningMean, runningVar, saveMean, saveInvStd, y, 0);
        bytes.gb += 3 * elementBytes;
        return y;
    }

    @Benchmark
    public float[] backward(Counters.Bytes bytes) {
        bn.backward(n, c, hw, x, 0, dy, 0, gamma, saveMean, saveInvStd, dx, 0, dgamma, dbeta);
        bytes.gb += 5 * elementBytes;
        return dx;
    }

    @Benchmark
    public float[] forwardInference(Counters.Bytes bytes) {
        bn.forwardInference(n, c, hw, x, 0, gamma, beta, runningMean, runningVar, EPS, y, 0);
        bytes.gb += 2 * elementBytes;
        return y;
    }
}
