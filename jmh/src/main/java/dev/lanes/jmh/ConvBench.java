package dev.lanes.jmh;

import dev.lanes.engine.KernelSet;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.conv.ConvKernels;
import dev.lanes.engine.conv.ConvShape;
import dev.lanes.engine.conv.Im2colConv;
import dev.lanes.engine.conv.VectorColumnOps;
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
 * Convolution in its three directions on real layer shapes (batch 64). The primary score is calls per
 * second (ms per call = 1000 / score); the secondary {@code gflop} counter is GFLOPS, counting 2·MACs of
 * the forward pass for every direction (each direction does the same number of multiply-adds).
 *
 * <pre>java -jar jmh/target/benchmarks.jar ConvBench -f 1 -wi 2 -i 3</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ConvBench {
    /** conv1/conv2: the small-cnn MNIST layers; resnet: a ResNet-20 CIFAR stage-1 layer. */
    @Param({"conv1", "conv2", "resnet"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    /** "vector" (Im2colConv over VectorGemm and VectorColumnOps) or "scalar" (the reference set, slow). */
    @Param({"vector"})
    public String kernels;

    private ConvShape shape;
    private ConvKernels conv;
    private float[] x, w, bias, y, dy, dx, dw, dbias;


    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        shape = switch (layer) {
            case "conv1" -> ConvShape.of(64, 1, 28, 28, 32, 3, 1, 1);
            case "conv2" -> ConvShape.of(64, 32, 14, 14, 64, 3, 1, 1);
            case "resnet" -> ConvShape.of(64, 16, 32, 32, 16, 3, 1, 1);
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
        conv = switch (kernels) {
            case "vector" -> new Im2colConv(new VectorGemm(), new VectorColumnOps());
            case "scalar" -> KernelSet.scalar().conv();
            default -> throw new IllegalArgumentException("unknown kernels " + kernels);
        };
        SplittableRandom rnd = new SplittableRandom(42);
        x = random(rnd, shape.inputSize());
        w = random(rnd, shape.weightSize());
        bias = random(rnd, shape.outChannels());
        dy = random(rnd, shape.outputSize());
        y = new float[shape.outputSize()];
        dx = new float[shape.inputSize()];
        dw = new float[shape.weightSize()];
        dbias = new float[shape.outChannels()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }

    @Benchmark
    public float[] forward(Counters.Flops flops) {
        conv.forward(shape, x, 0, w, 0, bias, y, 0);
        flops.gflop += shape.forwardFlops() * 1e-9;
        return y;
    }

    @Benchmark
    public float[] backwardData(Counters.Flops flops) {
        conv.backwardData(shape, dy, 0, w, 0, dx, 0);
        flops.gflop += shape.forwardFlops() * 1e-9;
        return dx;
    }

    @Benchmark
    public float[] backwardWeights(Counters.Flops flops) {
        conv.backwardWeights(shape, x, 0, dy, 0, dw, 0, dbias);
        flops.gflop += shape.forwardFlops() * 1e-9;
        return dw;
    }
}
