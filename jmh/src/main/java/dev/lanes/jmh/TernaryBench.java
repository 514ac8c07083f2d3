package dev.lanes.jmh;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.ternary.TernaryBase3;
import dev.lanes.engine.ternary.TernaryCodes;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryStorage;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ternary storage: what decoding packed codes into the float view costs, which is what decides whether the
 * scalar decode needs a Vector API twin. Sizes: a 64×64×3×3 conv weight (resnet20's widest) and a 512×512×3×3
 * one (vgg11's widest): 36,864 and 2,359,296 codes. Average time per call; divide by the code count for ns
 * per code. Measured 2026-12-02 on the 2-core Xeon (AVX-512) with other jobs running, three runs of the command
 * below: decodePerChannel 30.5-34.7 µs and 2.2-3.5 ms (0.8-1.5 ns per code; the large one does not fit in
 * L2); setOneCodeAndRead 9-20 ns; toBase3 1.6-2.1 ns per code.
 * <ul>
 *   <li>decodePerChannel: every code of the tensor into floats, one scale per output channel (after a full
 *       re-pack or a load)</li>
 *   <li>setOneCodeAndRead: one {@link TernaryStorage#setCode} and the next {@link TernaryStorage#values()},
 *       the step of exhaustive coordinate descent: only the changed code is decoded again</li>
 *   <li>toBase3: the conversion a save does (two-bit words to 20-per-word base-3 words)</li>
 * </ul>
 *
 * <pre>java -jar jmh/target/benchmarks.jar TernaryBench -f 1 -wi 3 -i 5 -w 1 -r 1</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class TernaryBench {
    @Param({"64", "512"})
    public int channels;

    private int size, next;
    private int[] words, base3;
    private float[] scales, out;
    private TernaryStorage storage;

    @Setup(Level.Trial)
    public void setUp() {
        size = channels * channels * 9;
        SplittableRandom r = new SplittableRandom(42);
        Tensor w = Tensor.zeros(channels, channels, 3, 3);
        for (int i = 0; i < size; i++) w.data()[i] = (float) r.nextGaussian();
        storage = TernaryStorage.quantize(w, Granularity.PER_CHANNEL);
        storage.values();
        words = storage.words();
        scales = storage.scales();
        out = new float[size];
        base3 = new int[TernaryBase3.words(size)];
    }

    @Benchmark
    public float[] decodePerChannel() {
        TernaryCodes.decode(words, 0, size, scales, channels * 9, out, 0);
        return out;
    }

    @Benchmark
    public Tensor setOneCodeAndRead() {
        int i = next;
        next = (next + 7919) % size;
        storage.setCode(i, (storage.code(i) + 1) % 3);
        return storage.values();
    }

    @Benchmark
    public int[] toBase3() {
        TernaryBase3.fromTwoBit(words, size, base3);
        return base3;
    }
}
