package dev.lanes.jmh;

import dev.lanes.engine.Parallel;
import dev.lanes.engine.gemm.Gemm;
import dev.lanes.engine.gemm.VectorGemm;
import dev.lanes.engine.ternary.TernaryCodes;
import dev.lanes.engine.ternary.TernaryKernels;
import dev.lanes.engine.ternary.VectorTernary;
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
 * A ternary linear layer (packed codes × a per-row scale, {@link VectorTernary#linear}) against the float
 * layer on the decoded weights (what {@code Linear} runs: {@link VectorGemm} y = x·Wᵀ + bias), on the layers
 * of a 784→256→10 MNIST MLP at batch 1 and 64. Codes: a third each of −α, 0, +α. Average time per call.
 *
 * <pre>java -jar jmh/target/benchmarks.jar TernaryGemmBench -f 1 -wi 3 -i 5</pre>
 *
 * <p>Measured 2026-12-03 on the shared 2-core Intel Xeon (AVX-512, 512-bit vectors, JDK 25), other jobs running,
 * the command above; µs per call, ternary vs float32 (error bars in brackets where wide):
 * <pre>
 *   layer     batch threads  ternary   float32   ternary/float
 *   784→256     1     1       26.5      17.7      1.50
 *   784→256     1     2       26.3      18.1      1.45   (one chunk: too little work to split)
 *   256→10      1     1        0.59      0.51     ~1.2   (±0.6 / ±0.09: noisy)
 *   784→256    64     1      571       423        1.35
 *   784→256    64     2      505 (±772) 249       ~2.0   (one noisy round)
 *   256→10     64     1       27.6      19.0      1.45
 *   256→10     64     2       24.4      19.1      1.28
 * </pre>
 * The ternary layer is slower than the float kernels here: two masked adds per 16 inputs (plus and minus) against
 * one FMA at batch 1, and no register reuse of X across rows of W in the batched GEMM, while the float weights
 * (800 KB) stay in this CPU's 2 MB L2 between calls. What it buys is 16x less weight memory (50 KB).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class TernaryGemmBench {
    /** in x out */
    @Param({"784x256", "256x10"})
    public String layer;

    @Param({"1", "64"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private int in, out, previousThreads;
    private int[] codes;
    private float[] scales, weights, bias, x, y;
    private final TernaryKernels ternary = new VectorTernary(new VectorGemm());
    private final Gemm gemm = new VectorGemm();

    @Setup(Level.Trial)
    public void setUp() {
        previousThreads = Parallel.threads();
        Parallel.setThreads(threads);
        String[] dims = layer.split("x");
        in = Integer.parseInt(dims[0]);
        out = Integer.parseInt(dims[1]);
        SplittableRandom r = new SplittableRandom(42);
        byte[] c = new byte[in * out];
        for (int i = 0; i < c.length; i++) c[i] = (byte) r.nextInt(3);
        codes = new int[TernaryCodes.words(c.length)];
        TernaryCodes.pack(c, 0, codes, 0, c.length);
        scales = new float[out];
        for (int o = 0; o < out; o++) scales[o] = (float) r.nextDouble(0.05, 0.5);
        weights = new float[in * out];
        TernaryCodes.decode(codes, 0, in * out, scales, in, weights, 0);
        bias = new float[out];
        x = new float[batch * in];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        y = new float[batch * out];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(previousThreads);
    }

    @Benchmark
    public float[] ternary() {
        ternary.linear(batch, in, out, codes, scales, true, bias, x, 0, y, 0);
        return y;
    }

    /** As {@code Linear.forward}: the bias rows first, then y += x·Wᵀ. */
    @Benchmark
    public float[] float32() {
        for (int b = 0; b < batch; b++) System.arraycopy(bias, 0, y, b * out, out);
        gemm.sgemm(false, true, batch, out, in, 1f, x, 0, in, weights, 0, in, 1f, y, 0, out);
        return y;
    }
}
