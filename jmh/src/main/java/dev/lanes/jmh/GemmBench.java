package dev.lanes.jmh;

import dev.lanes.engine.Parallel;
import dev.lanes.engine.gemm.Gemm;
import dev.lanes.engine.gemm.ScalarGemm;
import dev.lanes.engine.gemm.VectorGemm;
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
 * n×n×n SGEMM (C = A·B, row-major). The primary score is calls per second; the secondary result
 * {@code sgemm:gflop} counts 2·n³/10⁹ per call, so its rate in "ops/s" reads directly as GFLOPS.
 * Example: {@code java -jar benchmarks.jar GemmBench -p n=1024 -p threads=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBench {
    @Param({"64", "128", "256", "512", "1024", "2048"})
    int n;

    @Param({"1", "2"})
    int threads;

    /** "vector" (VectorGemm) or "scalar" (the reference, for comparison). */
    @Param({"vector"})
    String impl;

    private float[] a, b, c;
    private Gemm gemm;
    private int previousThreads;


    @Setup(Level.Trial)
    public void setUp() {
        previousThreads = Parallel.threads();
        Parallel.setThreads(threads);
        gemm = switch (impl) {
            case "vector" -> new VectorGemm();
            case "scalar" -> new ScalarGemm();
            default -> throw new IllegalArgumentException("impl must be vector or scalar but is " + impl);
        };
        SplittableRandom r = new SplittableRandom(7);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
            b[i] = (float) r.nextDouble(-1, 1);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(previousThreads);
    }

    @Benchmark
    public float[] sgemm(Counters.Flops counter) {
        gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        counter.gflop += 2e-9 * n * n * n;
        return c;
    }
}
