package dev.lanes.engine.ternary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.engine.KernelTesting;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.conv.ConvShape;
import dev.lanes.engine.conv.Im2colConv;
import dev.lanes.engine.gemm.ScalarGemm;
import dev.lanes.engine.gemm.VectorGemm;
import java.lang.reflect.Method;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The ternary kernels: the Vector API twin gives the reference's bits (GEMM, convolution) or agrees within
 * summation error (the small-batch linear layer, whose dot products sum along the input in lanes); both
 * equal the float kernels on the decoded weights within float summation error; results repeat bit for bit
 * with 1, 2, 3 and 5 threads; bad shapes are refused naming them. Sizes cover 1, vector-width tails and
 * widths past a tile; codes are drawn with a per-case density, so all-zero and dense rows both occur.
 *
 * <p>Tolerance: every output is scale · (S₊ − S₋) (+ bias), S± being float sums of at most K inputs, each
 * off by at most (K − 1)·u·Σ|terms| (u = 2⁻²⁴); the subtraction, scaling and bias add a relative u each.
 * A float GEMM on the decoded weights is within the same bound of the exact value, so the two agree within
 * twice it: 2·(K + 3)·u·(|scale|·Σ_p |x_p| + |bias|), with Σ over the nonzero codes of the row.
 */
class TernaryKernelsProperties {
    private static final int DEFAULT_THREADS = Parallel.threads();
    private static final double U = Math.ulp(1.0f) / 2;
    private final TernaryKernels vector = new VectorTernary(new VectorGemm());
    private final TernaryKernels scalar = new ScalarTernary();

    @AfterContainer
    static void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(1, 70)),
                Tuple.of(3, Arbitraries.of(1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65)),
                Tuple.of(1, Arbitraries.integers().between(100, 300)));
    }

    /** A ternary W: random codes (the zero share varies per case) and positive scales. */
    record Weights(int m, int k, int[] codes, float[] scales, boolean perRow, float[] bias) {
        static Weights random(int m, int k, boolean perRow, boolean withBias, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            double zeros = r.nextDouble(), plus = r.nextDouble();
            byte[] c = new byte[m * k];
            for (int i = 0; i < c.length; i++) {
                c[i] = (byte) (r.nextDouble() < zeros ? TernaryCodes.ZERO : r.nextDouble() < plus ? TernaryCodes.PLUS : TernaryCodes.MINUS);
            }
            int[] words = new int[TernaryCodes.words(m * k)];
            TernaryCodes.pack(c, 0, words, 0, c.length);
            float[] scales = new float[perRow ? m : 1];
            for (int i = 0; i < scales.length; i++) scales[i] = (float) r.nextDouble(0.01, 3);
            return new Weights(m, k, words, scales, perRow, withBias ? KernelTesting.random(seed + 1, m, 2f) : null);
        }

        float scale(int i) { return scales[perRow ? i : 0]; }

        /** W as floats, row-major m×k. */
        float[] decoded() {
            float[] w = new float[m * k];
            TernaryCodes.decode(codes, 0, m * k, scales, perRow ? k : Math.max(1, m * k), w, 0);
            return w;
        }

        /** The tolerance of output (i, ·) whose nonzero inputs have absolute sum {@code absX}. */
        double tol(int i, double absX) {
            return 2 * (k + 3) * U * (scale(i) * absX + (bias == null ? 0 : Math.abs(bias[i]))) + Float.MIN_NORMAL;
        }
    }

    /** A GEMM call: W m×k, X k×n at an offset with padded rows, C m×n likewise. */
    record GemmCase(Weights w, int n, int ldx, int xOff, int ldc, int cOff, float[] x, float[] c0, boolean accumulate) {
        static GemmCase random(int m, int n, int k, boolean perRow, boolean bias, boolean accumulate, int pad, long seed) {
            Weights w = Weights.random(m, k, perRow, bias, seed);
            int ldx = n + pad, ldc = n + (pad + 1) % 4, xOff = pad % 3, cOff = (pad + 2) % 5;
            float[] x = KernelTesting.random(seed + 2, xOff + k * ldx, 1.5f);
            float[] c0 = KernelTesting.random(seed + 3, cOff + m * ldc, 1f);
            return new GemmCase(w, n, ldx, xOff, ldc, cOff, x, c0, accumulate);
        }

        float[] run(TernaryKernels t) {
            float[] c = c0.clone();
            t.gemm(w.m, n, w.k, w.codes, w.scales, w.perRow, w.bias, x, xOff, ldx, accumulate, c, cOff, ldc);
            return c;
        }

        @Override
        public String toString() {
            return "gemm m=" + w.m + " n=" + n + " k=" + w.k + (w.perRow ? " per row" : " per tensor")
                    + (w.bias != null ? " +bias" : "") + (accumulate ? " accumulate" : "") + " ldx=" + ldx + " ldc=" + ldc;
        }
    }

    @Property(tries = 250)
    void gemmVectorGivesTheReferenceBitsWithAnyThreadCount(@ForAll("sizes") int m, @ForAll("sizes") int n,
                                                           @ForAll("sizes") int k, @ForAll boolean perRow,
                                                           @ForAll boolean bias, @ForAll boolean accumulate,
                                                           @ForAll @IntRange(min = 0, max = 5) int pad, @ForAll long seed) {
        GemmCase g = GemmCase.random(m, n, k, perRow, bias, accumulate, pad, seed);
        float[] reference = g.run(scalar);
        KernelTesting.assertEachExactly(g + " vector vs scalar", reference,
                KernelTesting.deterministic(g + " vector", () -> g.run(vector)));
        Parallel.setThreads(2);
        KernelTesting.assertEachExactly(g + " scalar", reference, KernelTesting.deterministic(g + " scalar", () -> g.run(scalar)));
    }

    @Property(tries = 200)
    void gemmEqualsFloatGemmOnDecodedWeights(@ForAll("sizes") int m, @ForAll("sizes") int n, @ForAll("sizes") int k,
                                             @ForAll boolean perRow, @ForAll boolean bias, @ForAll boolean accumulate,
                                             @ForAll @IntRange(min = 0, max = 5) int pad, @ForAll long seed) {
        GemmCase g = GemmCase.random(m, n, k, perRow, bias, accumulate, pad, seed);
        float[] w = g.w.decoded();
        float[] want = g.c0.clone();
        if (bias) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = g.cOff + i * g.ldc + j;
                    want[at] = accumulate ? want[at] + g.w.bias[i] : g.w.bias[i];
                }
            }
        }
        new VectorGemm().sgemm(false, false, m, n, k, 1f, w, 0, k, g.x, g.xOff, g.ldx, bias || accumulate ? 1f : 0f,
                want, g.cOff, g.ldc);
        for (TernaryKernels t : new TernaryKernels[]{scalar, vector}) {
            float[] got = g.run(t);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double absX = 0;
                    for (int p = 0; p < k; p++) if (w[i * k + p] != 0) absX += Math.abs(g.x[g.xOff + p * g.ldx + j]);
                    int at = g.cOff + i * g.ldc + j;
                    double tol = g.w.tol(i, absX) + (accumulate ? 2 * U * Math.abs(g.c0[at]) : 0);
                    if (!(Math.abs(got[at] - want[at]) <= tol)) {
                        fail(t + " " + g + ": C[" + i + "][" + j + "] = " + got[at] + " but the float GEMM gives " + want[at]
                                + " (tolerance " + tol + ")");
                    }
                }
            }
            for (int at = 0; at < got.length; at++) {
                boolean inside = at >= g.cOff && (at - g.cOff) / g.ldc < m && (at - g.cOff) % g.ldc < n;
                if (!inside && Float.floatToRawIntBits(got[at]) != Float.floatToRawIntBits(g.c0[at])) {
                    fail(t + " " + g + ": wrote element " + at + " outside C");
                }
            }
        }
    }

    @Property(tries = 250)
    void linearAgreesWithTheReferenceAndTheDecodedWeights(@ForAll("batches") int batch, @ForAll("sizes") int in,
                                                          @ForAll("sizes") int out, @ForAll boolean perRow,
                                                          @ForAll boolean bias, @ForAll long seed) {
        Weights w = Weights.random(out, in, perRow, bias, seed);
        float[] x = KernelTesting.random(seed + 5, batch * in + 3, 1.5f);
        String what = "linear batch=" + batch + " in=" + in + " out=" + out + (perRow ? " per row" : " per tensor") + (bias ? " +bias" : "");
        float[] ref = new float[batch * out + 2], vec = ref.clone();
        scalar.linear(batch, in, out, w.codes, w.scales, w.perRow, w.bias, x, 3, ref, 2);
        float[][] runs = KernelTesting.deterministic(what, () -> {
            float[] y = new float[batch * out + 2];
            vector.linear(batch, in, out, w.codes, w.scales, w.perRow, w.bias, x, 3, y, 2);
            return y;
        });
        for (float[] r : runs) assertArrayEquals(runs[0], r, what + ": thread counts differ");
        vec = runs[0];
        // the float GEMM on the decoded weights: y = x · Wᵀ (+ bias)
        float[] dec = w.decoded(), want = new float[batch * out];
        if (bias) for (int b = 0; b < batch; b++) System.arraycopy(w.bias, 0, want, b * out, out);
        new ScalarGemm().sgemm(false, true, batch, out, in, 1f, x, 3, in, dec, 0, in, bias ? 1f : 0f, want, 0, out);
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double absX = 0;
                for (int p = 0; p < in; p++) if (dec[o * in + p] != 0) absX += Math.abs(x[3 + b * in + p]);
                double tol = w.tol(o, absX);
                float r = ref[2 + b * out + o], v = vec[2 + b * out + o], f = want[b * out + o];
                if (!(Math.abs(r - f) <= tol) || !(Math.abs(v - f) <= tol) || !(Math.abs(v - r) <= tol)) {
                    fail(what + ": y[" + b + "][" + o + "] scalar " + r + ", vector " + v + ", float GEMM " + f + " (tolerance " + tol + ")");
                }
            }
        }
        assertTrue(ref[0] == 0f && ref[1] == 0f && vec[0] == 0f && vec[1] == 0f, what + ": wrote before y");
    }

    /** Batch 1 and small batches (masked dot products), batches from one vector on (the transposed GEMM). */
    @Provide
    Arbitrary<Integer> batches() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, 2, 3)),
                Tuple.of(2, Arbitraries.integers().between(4, 70)));
    }

    @Provide
    Arbitrary<ConvShape> convShapes() {
        Arbitrary<Integer> small = Arbitraries.integers().between(1, 5);
        return Combinators.combine(Arbitraries.integers().between(1, 3), small, Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 2)).as((n, c, h, wd, k, kernel, stride, pad) -> {
            int padW = Math.max(0, pad - 1 + (k % 2));
            int kh = Math.min(kernel, h + 2 * pad), kw = Math.min(Math.max(1, kernel - 1 + (c % 2)), wd + 2 * padW);
            return new ConvShape(n, c, h, wd, k, kh, kw, stride, Math.max(1, 3 - stride), pad, padW);
        });
    }

    @Property(tries = 200)
    void convEqualsFloatConvOnDecodedWeightsAndTheReferenceBits(@ForAll("convShapes") ConvShape s, @ForAll boolean perRow,
                                                                @ForAll boolean bias, @ForAll long seed) {
        int ck = s.inChannels() * s.kernelH() * s.kernelW();
        Weights w = Weights.random(s.outChannels(), ck, perRow, bias, seed);
        float[] x = KernelTesting.random(seed + 7, s.inputSize(), 1.5f);
        float[] ref = new float[s.outputSize()];
        scalar.convForward(s, x, 0, w.codes, w.scales, w.perRow, w.bias, ref, 0);
        KernelTesting.assertEachExactly(s + " vector vs scalar", ref, KernelTesting.deterministic(s + " vector", () -> {
            float[] y = new float[s.outputSize()];
            vector.convForward(s, x, 0, w.codes, w.scales, w.perRow, w.bias, y, 0);
            return y;
        }));
        float[] dec = w.decoded(), want = new float[s.outputSize()];
        new Im2colConv(new ScalarGemm()).forward(s, x, 0, dec, 0, w.bias, want, 0);
        int oh = s.outHeight(), ow = s.outWidth();
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                for (int r = 0; r < oh; r++) {
                    for (int q = 0; q < ow; q++) {
                        double absX = 0;
                        for (int c = 0; c < s.inChannels(); c++)
                            for (int i = 0; i < s.kernelH(); i++)
                                for (int j = 0; j < s.kernelW(); j++) {
                                    int ih = r * s.strideH() - s.padH() + i, iw = q * s.strideW() - s.padW() + j;
                                    if (ih < 0 || ih >= s.inHeight() || iw < 0 || iw >= s.inWidth()) continue;
                                    if (dec[o * ck + (c * s.kernelH() + i) * s.kernelW() + j] == 0) continue;
                                    absX += Math.abs(x[((n * s.inChannels() + c) * s.inHeight() + ih) * s.inWidth() + iw]);
                                }
                        int at = ((n * s.outChannels() + o) * oh + r) * ow + q;
                        double tol = w.tol(o, absX);
                        if (!(Math.abs(ref[at] - want[at]) <= tol)) {
                            fail(s + (perRow ? " per row" : " per tensor") + ": y[" + n + "][" + o + "][" + r + "][" + q + "] = "
                                    + ref[at] + " but the float conv gives " + want[at] + " (tolerance " + tol + ")");
                        }
                    }
                }
            }
        }
    }

    /** The benchmark's layer shapes, across a band boundary and the thread split over images. */
    @Example
    void layerShapes() {
        ConvShape[] shapes = {ConvShape.of(1, 32, 14, 14, 64, 3, 1, 1), ConvShape.of(3, 8, 28, 28, 16, 3, 2, 1),
                ConvShape.of(2, 16, 9, 9, 10, 1, 1, 0)};
        for (ConvShape s : shapes) {
            int ck = s.inChannels() * s.kernelH() * s.kernelW();
            Weights w = Weights.random(s.outChannels(), ck, true, true, 11);
            float[] x = KernelTesting.random(12, s.inputSize(), 1f), ref = new float[s.outputSize()];
            scalar.convForward(s, x, 0, w.codes, w.scales, true, w.bias, ref, 0);
            KernelTesting.assertEachExactly(s.toString(), ref, KernelTesting.deterministic(s.toString(), () -> {
                float[] y = new float[s.outputSize()];
                vector.convForward(s, x, 0, w.codes, w.scales, true, w.bias, y, 0);
                return y;
            }));
        }
        for (int[] l : new int[][]{{1, 784, 256}, {64, 784, 256}, {64, 256, 10}}) {
            Weights w = Weights.random(l[2], l[1], false, true, 13);
            float[] x = KernelTesting.random(14, l[0] * l[1], 1f), ref = new float[l[0] * l[2]], vec = ref.clone();
            scalar.linear(l[0], l[1], l[2], w.codes, w.scales, false, w.bias, x, 0, ref, 0);
            vector.linear(l[0], l[1], l[2], w.codes, w.scales, false, w.bias, x, 0, vec, 0);
            KernelTesting.assertClose("linear " + l[0] + "x" + l[1] + "->" + l[2], ref, vec, 4 * l[1] * U * 3);
        }
    }

    @Example
    void badShapesAreRefusedNamingThem() {
        TernaryKernels[] both = {scalar, vector};
        for (TernaryKernels t : both) {
            Weights w = Weights.random(3, 5, true, true, 1);
            float[] x = new float[5 * 4], c = new float[3 * 4];
            String gemm = "W 3x5 (codes), X 5x4, C 3x4";
            expect(gemm, () -> t.gemm(3, 4, 5, new int[0], w.scales, true, null, x, 0, 4, false, c, 0, 4));
            expect(gemm, () -> t.gemm(3, 4, 5, w.codes, new float[2], true, null, x, 0, 4, false, c, 0, 4));
            expect(gemm, () -> t.gemm(3, 4, 5, w.codes, w.scales, true, new float[2], x, 0, 4, false, c, 0, 4));
            expect(gemm, () -> t.gemm(3, 4, 5, w.codes, w.scales, true, null, new float[19], 0, 4, false, c, 0, 4));
            expect(gemm, () -> t.gemm(3, 4, 5, w.codes, w.scales, true, null, x, 1, 4, false, c, 0, 4));
            expect(gemm, () -> t.gemm(3, 4, 5, w.codes, w.scales, true, null, x, 0, 4, false, new float[11], 0, 4));
            expect(gemm, () -> t.gemm(3, 4, 5, w.codes, w.scales, true, null, x, 0, 3, false, c, 0, 4));
            expect("W -3x5", () -> t.gemm(-3, 4, 5, w.codes, w.scales, true, null, x, 0, 4, false, c, 0, 4));
            String linear = "x [2 x 5], W [3 x 5] (codes), y [2 x 3]";
            expect(linear, () -> t.linear(2, 5, 3, w.codes, w.scales, true, null, new float[9], 0, new float[6], 0));
            expect(linear, () -> t.linear(2, 5, 3, w.codes, w.scales, true, null, new float[10], 0, new float[5], 0));
            expect(linear, () -> t.linear(2, 5, 3, new int[0], w.scales, true, null, new float[10], 0, new float[6], 0));
            ConvShape s = ConvShape.of(1, 2, 5, 5, 3, 3, 1, 1);
            expect(s.toString(), () -> t.convForward(s, new float[50], 0, w.codes, w.scales, true, null, new float[75], 0));
            Weights cw = Weights.random(3, 18, true, false, 2);
            expect(s.toString(), () -> t.convForward(s, new float[49], 0, cw.codes, cw.scales, true, null, new float[75], 0));
            expect(s.toString(), () -> t.convForward(s, new float[50], 0, cw.codes, new float[1], true, null, new float[75], 0));
        }
    }

    private static void expect(String named, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(named), "message '" + e.getMessage() + "' does not name " + named);
    }

    /** Steady-state calls allocate nothing: index lists, sums and transposes live in per-thread scratch. */
    @Example
    void repeatedCallsAllocateNothing() throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        Parallel.setThreads(2);
        ConvShape s = ConvShape.of(2, 8, 10, 10, 16, 3, 1, 1);
        Weights cw = Weights.random(16, 72, true, true, 3), lw = Weights.random(40, 100, false, true, 4);
        float[] x = new float[s.inputSize()], y = new float[s.outputSize()], lx = new float[32 * 100], ly = new float[32 * 40];
        for (TernaryKernels t : new TernaryKernels[]{scalar, vector}) {
            Runnable[] calls = {
                () -> t.convForward(s, x, 0, cw.codes, cw.scales, true, cw.bias, y, 0),
                () -> t.linear(1, 100, 40, lw.codes, lw.scales, false, lw.bias, lx, 0, ly, 0),
                () -> t.linear(32, 100, 40, lw.codes, lw.scales, false, lw.bias, lx, 0, ly, 0),
                () -> t.gemm(40, 32, 100, lw.codes, lw.scales, false, null, lx, 0, 32, true, ly, 0, 32)};
            String[] names = {"conv", "linear batch 1", "linear batch 32", "gemm"};
            for (int call = 0; call < calls.length; call++) {
                long best = Long.MAX_VALUE;
                // until C2 has compiled the vector code every vector operation allocates, so keep the best window
                for (int window = 0; window < 3000 && best >= 64; window++) {
                    long before = (Long) allocated.invoke(bean);
                    for (int i = 0; i < 10; i++) calls[call].run();
                    best = Math.min(best, ((Long) allocated.invoke(bean) - before) / 10);
                }
                assertTrue(best < 64, t + " " + names[call] + ": a steady-state call allocated " + best
                        + " bytes in the best of 3000 windows of 10");
            }
        }
    }
}
