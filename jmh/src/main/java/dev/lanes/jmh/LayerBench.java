package dev.lanes.jmh;

import dev.lanes.engine.Parallel;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.AvgPool2d;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.Dropout;
import dev.lanes.nn.layers.Flatten;
import dev.lanes.nn.layers.GlobalAvgPool;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.layers.MaxPool2d;
import dev.lanes.nn.layers.ReLU;
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
 * Forward and backward of each small-cnn layer as a {@link Module} (layer code, buffers and checks included,
 * unlike the kernel benchmarks), at batch 64, in training mode, configured as {@code Zoo.smallCnn} builds
 * them (convolutions without bias; conv1 is the first layer, so its backward skips dx, as in training),
 * plus the zoo's other layers: AvgPool2d, GlobalAvgPool, Flatten, Dropout and a ResNet basic block 16→32
 * with stride 2 and a projection shortcut.
 *
 * <p>The primary score is ms per call. The {@code gflop} counter counts {@link Module#flops} of the input
 * shape per forward, and per backward the GEMM work of conv, linear and the block: one forward's worth for dw
 * plus one for dx when dx is computed (the few bias, BN and ReLU operations are ignored). Pooling, BatchNorm,
 * ReLU, Flatten and Dropout backward have no defined FLOPs and add nothing. In this AverageTime mode JMH reports the counter as ms per GFLOP, so
 * GFLOPS = 1000 / that value.
 *
 * <pre>java -jar jmh/target/benchmarks.jar LayerBench -f 1 -wi 2 -i 3 -w 1 -r 1 -p threads=1</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class LayerBench {
    @Param({"conv1", "conv2", "bn1", "relu1", "pool1", "fc", "avgpool", "gap", "flatten", "dropout", "block"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    private static final int BATCH = 64;

    private Module module;
    private Tensor x, dy, firstGrad;
    private long forwardFlops, backwardFlops;
    private boolean needDx;
    private int previousThreads;


    @Setup(Level.Trial)
    public void setUp() {
        previousThreads = Parallel.threads();
        Parallel.setThreads(threads);
        int[] in;
        switch (layer) {
            case "conv1" -> { module = new Conv2d(1, 32, 3, 1, 1, false); in = new int[]{BATCH, 1, 28, 28}; }
            case "conv2" -> { module = new Conv2d(32, 64, 3, 1, 1, false); in = new int[]{BATCH, 32, 14, 14}; }
            case "bn1" -> { module = new BatchNorm2d(32); in = new int[]{BATCH, 32, 28, 28}; }
            case "relu1" -> { module = new ReLU(); in = new int[]{BATCH, 32, 28, 28}; }
            case "pool1" -> { module = new MaxPool2d(2); in = new int[]{BATCH, 32, 28, 28}; }
            case "fc" -> { module = new Linear(64 * 7 * 7, 10); in = new int[]{BATCH, 64 * 7 * 7}; }
            // the other layers of the zoo, on the shapes where resnet20 and the CIFAR-style nets meet them
            case "avgpool" -> { module = new AvgPool2d(2); in = new int[]{BATCH, 32, 28, 28}; }
            case "gap" -> { module = new GlobalAvgPool(); in = new int[]{BATCH, 64, 8, 8}; }
            case "flatten" -> { module = new Flatten(); in = new int[]{BATCH, 64, 7, 7}; }
            case "dropout" -> { module = new Dropout(0.5f, 42); in = new int[]{BATCH, 64 * 7 * 7}; }
            case "block" -> { module = Residual.basicBlock(16, 32, 2); in = new int[]{BATCH, 16, 32, 32}; }
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        }
        needDx = !layer.equals("conv1"); // the network's first layer computes no dx
        SplittableRandom rnd = new SplittableRandom(42);
        x = Tensor.of(BatchNormBench.random(rnd, size(in), -1, 1), in);
        int[] out = module.outputShape(in);
        dy = Tensor.of(BatchNormBench.random(rnd, size(out), -1, 1), out);
        forwardFlops = module.flops(in);
        dev.lanes.nn.Flops training = module.trainingFlops(in, needDx);
        backwardFlops = training.backwardData() + training.backwardWeights();
        firstGrad = module.parameters().isEmpty() ? null : module.parameters().get(0).grad();
        module.forward(x); // backward needs a forward's caches (BN statistics, pool argmax, conv/linear x)
    }

    /** Parameter gradients accumulate; reset them so they stay small over a long run. */
    @Setup(Level.Iteration)
    public void zeroGrads() {
        for (Parameter p : module.parameters()) p.zeroGrad();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(previousThreads);
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) s *= d;
        return s;
    }

    @Benchmark
    public Tensor forward(Counters.Flops flops) {
        Tensor y = module.forward(x);
        flops.gflop += forwardFlops * 1e-9;
        return y;
    }

    /** Returns dx, or the first parameter's gradient when dx is skipped (conv1), so the work is never dead. */
    @Benchmark
    public Object backward(Counters.Flops flops) {
        Tensor dx = module.backward(dy, needDx);
        flops.gflop += backwardFlops * 1e-9;
        return dx != null ? dx : firstGrad;
    }
}
