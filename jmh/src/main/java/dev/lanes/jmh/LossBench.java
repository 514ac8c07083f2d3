package dev.lanes.jmh;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.loss.LossKernels;
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
 * Softmax cross-entropy loss and its gradient in one call ({@link LossKernels#softmaxCrossEntropy} with
 * dlogits, no label smoothing) of the active set: [64, 10] (MNIST head, the scalar per-row path) and
 * [256, 1000] (ImageNet-sized head, the vector path). The primary score is calls per second (µs per call =
 * 10⁶ / score); the secondary {@code gb} counter is GB/s (10⁹ bytes) with the byte model read logits + read
 * labels + write dlogits = 4·(2·n·classes + n) bytes. The kernel makes several passes over each row (max,
 * exp-sum, gradient) but rows stay in L1, and exp dominates, so read GB/s here as a normalised rate, not
 * as memory bandwidth.
 *
 * <pre>java -jar jmh/target/benchmarks.jar LossBench -f 1 -wi 2 -i 3 -w 1 -r 1</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class LossBench {
    /** rows x classes. */
    @Param({"64x10", "256x1000"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private LossKernels loss;
    private int n, classes, previousThreads;
    private float[] logits, dlogits;
    private int[] labels;


    @Setup(Level.Trial)
    public void setUp() {
        previousThreads = Parallel.threads();
        Parallel.setThreads(threads);
        String[] d = shape.split("x");
        n = Integer.parseInt(d[0]);
        classes = Integer.parseInt(d[1]);
        loss = Kernels.loss();
        SplittableRandom rnd = new SplittableRandom(42);
        // logits of a partly trained net: spread of a few units, so exp neither saturates nor underflows
        logits = BatchNormBench.random(rnd, n * classes, -4, 4);
        dlogits = new float[n * classes];
        labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rnd.nextInt(classes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(previousThreads);
    }

    /** Returns the loss plus one gradient element, so neither result is dead. */
    @Benchmark
    public float crossEntropy(Counters.Bytes bytes) {
        float l = loss.softmaxCrossEntropy(n, classes, logits, 0, labels, 0, 0f, dlogits, 0);
        bytes.gb += 4e-9 * (2L * n * classes + n);
        return l + dlogits[n * classes - 1];
    }
}
