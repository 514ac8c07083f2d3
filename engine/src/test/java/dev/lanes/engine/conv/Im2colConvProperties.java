package dev.lanes.engine.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.KernelTesting;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.gemm.ScalarGemm;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * {@link Im2colConv} against {@link ConvReference} over random geometries (batch 1..3, channels 1..7,
 * sizes 1..13, kernels 1..5, strides 1..3, padding 0..2, independently in each direction), with 1, 2, 3 and 5
 * threads and each GEMM. Operands sit at random offsets inside larger arrays, whose other entries must
 * stay untouched.
 */
class Im2colConvProperties {
    private static final int DEFAULT_THREADS = Parallel.threads();
    private static final float SENTINEL = -12345.5f;

    @AfterContainer
    static void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    @Provide
    Arbitrary<Integer> threads() {
        return KernelTesting.threadCounts();
    }

    @Provide
    Arbitrary<ConvShape> shapes() {
        Arbitrary<ConvShape> general = Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(11)
                .map(Im2colConvProperties::shapeFrom)
                .filter(s -> s != null);
        // 1x1 stride-1 unpadded convs take their own path; make sure they come up often
        Arbitrary<ConvShape> pointwise = Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(5)
                .map(v -> ConvShape.of(1 + v.get(0) % 3, 1 + v.get(1) % 7, 1 + v.get(2) % 13, 1 + v.get(3) % 7, 1 + v.get(4) % 7, 1, 1, 0));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, general), net.jqwik.api.Tuple.of(1, pointwise));
    }

    private static ConvShape shapeFrom(List<Integer> v) {
        int h = 1 + v.get(2) % 13, w = 1 + v.get(3) % 13, kh = 1 + v.get(5) % 5, kw = 1 + v.get(6) % 5;
        int ph = v.get(9) % 3, pw = v.get(10) % 3;
        if (h + 2 * ph < kh || w + 2 * pw < kw) return null;
        return new ConvShape(1 + v.get(0) % 3, 1 + v.get(1) % 7, h, w, 1 + v.get(4) % 7, kh, kw,
                1 + v.get(7) % 3, 1 + v.get(8) % 3, ph, pw);
    }

    @Provide
    Arbitrary<Im2colConv> convs() {
        return Arbitraries.of(ConvVariants.all());
    }

    @Property(tries = 300)
    void forwardMatchesDefinition(@ForAll("shapes") ConvShape s, @ForAll("convs") Im2colConv conv,
                                  @ForAll("threads") int threads, @ForAll boolean withBias, @ForAll long seed) {
        Parallel.setThreads(threads);
        Random rnd = new Random(seed);
        Operand x = Operand.random(rnd, s.inputSize()), w = Operand.random(rnd, s.weightSize());
        float[] bias = withBias ? Operand.random(rnd, s.outChannels()).exact() : null;
        Operand y = Operand.filled(rnd, s.outputSize(), Float.NaN); // must be overwritten, NaN and all

        conv.forward(s, x.array, x.off, w.array, w.off, bias, y.array, y.off);

        double[] mag = new double[s.outputSize()];
        double[] want = ConvReference.forward(s, x.exact(), w.exact(), bias, mag);
        assertClose(s, "y", want, mag, y, new double[want.length]);
    }

    @Property(tries = 300)
    void backwardDataMatchesDefinition(@ForAll("shapes") ConvShape s, @ForAll("convs") Im2colConv conv,
                                       @ForAll("threads") int threads, @ForAll long seed) {
        Parallel.setThreads(threads);
        Random rnd = new Random(seed);
        Operand dy = Operand.random(rnd, s.outputSize()), w = Operand.random(rnd, s.weightSize());
        Operand dx = Operand.filled(rnd, s.inputSize(), Float.NaN);

        conv.backwardData(s, dy.array, dy.off, w.array, w.off, dx.array, dx.off);

        double[] mag = new double[s.inputSize()];
        double[] want = ConvReference.backwardData(s, dy.exact(), w.exact(), mag);
        assertClose(s, "dx", want, mag, dx, new double[want.length]);
    }

    @Property(tries = 300)
    void backwardWeightsAccumulatesTheDefinition(@ForAll("shapes") ConvShape s, @ForAll("convs") Im2colConv conv,
                                                 @ForAll("threads") int threads, @ForAll boolean withBias,
                                                 @ForAll long seed) {
        Parallel.setThreads(threads);
        Random rnd = new Random(seed);
        Operand x = Operand.random(rnd, s.inputSize()), dy = Operand.random(rnd, s.outputSize());
        Operand dw = Operand.random(rnd, s.weightSize()); // old gradient: the result adds to it
        float[] dbias = withBias ? Operand.random(rnd, s.outChannels()).exact() : null;
        float[] dwBefore = dw.exact(), dbiasBefore = withBias ? dbias.clone() : null;

        conv.backwardWeights(s, x.array, x.off, dy.array, dy.off, dw.array, dw.off, dbias);

        double[] mag = new double[s.weightSize()];
        double[] want = ConvReference.backwardWeights(s, x.exact(), dy.exact(), mag);
        assertClose(s, "dw", want, mag, dw, toDouble(dwBefore));
        if (withBias) {
            double[] bmag = new double[s.outChannels()];
            double[] bwant = ConvReference.backwardBias(s, dy.exact(), bmag);
            assertClose(s, "dbias", bwant, bmag, new Operand(dbias, 0, dbias.length), toDouble(dbiasBefore));
        }
    }

    @Property(tries = 100)
    void repeatedCallsGiveTheSameBits(@ForAll("shapes") ConvShape s, @ForAll("convs") Im2colConv conv,
                                      @ForAll("threads") int threads, @ForAll long seed) {
        Parallel.setThreads(threads);
        Random rnd = new Random(seed);
        float[] x = Operand.random(rnd, s.inputSize()).exact(), w = Operand.random(rnd, s.weightSize()).exact();
        float[] dy = Operand.random(rnd, s.outputSize()).exact(), bias = Operand.random(rnd, s.outChannels()).exact();
        float[] dw0 = Operand.random(rnd, s.weightSize()).exact(), db0 = Operand.random(rnd, s.outChannels()).exact();
        float[][] first = null;
        for (int run = 0; run < 2; run++) {
            float[] y = new float[s.outputSize()], dx = new float[s.inputSize()], dw = dw0.clone(), db = db0.clone();
            conv.forward(s, x, 0, w, 0, bias, y, 0);
            conv.backwardData(s, dy, 0, w, 0, dx, 0);
            conv.backwardWeights(s, x, 0, dy, 0, dw, 0, db);
            float[][] now = {y, dx, dw, db};
            if (first == null) first = now;
            else for (int i = 0; i < now.length; i++) assertArrayEquals(first[i], now[i], "output " + i + " of " + s);
        }
    }

    /** Real layer shapes, bigger than the random ones: small-cnn conv1 (1 channel) and a pointwise conv. */
    @Example
    void layerShapesMatchDefinition() {
        for (ConvShape s : List.of(ConvShape.of(3, 1, 28, 28, 8, 3, 1, 1), ConvShape.of(2, 16, 9, 9, 12, 1, 1, 0),
                ConvShape.of(4, 3, 16, 16, 5, 3, 2, 1), ConvShape.of(3, 8, 14, 14, 6, 3, 1, 1),
                new ConvShape(2, 5, 11, 20, 4, 3, 5, 1, 1, 2, 1))) {
            for (Im2colConv conv : ConvVariants.all()) {
                for (int threads : KernelTesting.THREAD_COUNTS) {
                    forwardMatchesDefinition(s, conv, threads, true, 7);
                    backwardDataMatchesDefinition(s, conv, threads, 8);
                    backwardWeightsAccumulatesTheDefinition(s, conv, threads, true, 9);
                }
            }
        }
    }

    @Example
    void shortBuffersAreRejectedNamingTheShape() {
        ConvShape s = ConvShape.of(2, 3, 5, 5, 4, 3, 1, 1);
        Im2colConv conv = new Im2colConv(new ScalarGemm());
        float[] x = new float[s.inputSize()], w = new float[s.weightSize()], y = new float[s.outputSize()];
        float[] b = new float[s.outChannels()];
        List<Runnable> bad = List.of(
                () -> conv.forward(s, new float[s.inputSize() - 1], 0, w, 0, b, y, 0),
                () -> conv.forward(s, x, 1, w, 0, b, y, 0),
                () -> conv.forward(s, x, 0, w, 0, new float[s.outChannels() - 1], y, 0),
                () -> conv.forward(s, x, 0, new float[s.weightSize() - 1], 0, null, y, 0),
                () -> conv.forward(s, x, 0, w, 0, null, y, -1),
                () -> conv.forward(s, null, 0, w, 0, null, y, 0),
                () -> conv.backwardData(s, y, 0, w, 0, new float[s.inputSize() - 1], 0),
                () -> conv.backwardData(s, new float[s.outputSize() - 1], 0, w, 0, x, 0),
                () -> conv.backwardWeights(s, x, 0, y, 0, new float[s.weightSize()], 1, null),
                () -> conv.backwardWeights(s, x, 0, y, 0, w, 0, new float[1]),
                () -> conv.backwardWeights(s, x, 0, y, 1, w, 0, null));
        for (Runnable r : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().contains(s.toString()), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Im2colConv(null));
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /** got = before + want within float rounding of the terms summed, and nothing outside the operand moved. */
    private static void assertClose(ConvShape s, String what, double[] want, double[] mag, Operand got, double[] before) {
        for (int i = 0; i < want.length; i++) {
            double expected = before[i] + want[i];
            double tol = 5e-5 * (mag[i] + Math.abs(before[i])) + 1e-6;
            float actual = got.array[got.off + i];
            if (!(Math.abs(actual - expected) <= tol)) {
                throw new AssertionError(what + "[" + i + "] of " + s + ": expected " + expected + " but was " + actual);
            }
        }
        for (int i = 0; i < got.array.length; i++) {
            if (i == got.off) i += want.length;
            if (i < got.array.length) assertEquals(SENTINEL, got.array[i], what + " padding entry " + i + " of " + s);
        }
    }

    /** A tensor at a random offset inside a larger array padded with a sentinel. */
    record Operand(float[] array, int off, int size) {
        static Operand random(Random rnd, int size) {
            Operand o = filled(rnd, size, 0f);
            for (int i = 0; i < size; i++) o.array[o.off + i] = rnd.nextFloat() * 2 - 1;
            return o;
        }

        static Operand filled(Random rnd, int size, float value) {
            int off = rnd.nextInt(4);
            float[] a = new float[off + size + rnd.nextInt(4)];
            Arrays.fill(a, SENTINEL);
            Arrays.fill(a, off, off + size, value);
            return new Operand(a, off, size);
        }

        float[] exact() {
            return Arrays.copyOfRange(array, off, off + size);
        }
    }
}
