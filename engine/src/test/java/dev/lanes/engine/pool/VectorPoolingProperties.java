package dev.lanes.engine.pool;

import static dev.lanes.engine.KernelTesting.assertClose;
import static dev.lanes.engine.KernelTesting.assertEachExactly;
import static dev.lanes.engine.KernelTesting.concat;
import static dev.lanes.engine.KernelTesting.deterministic;
import static dev.lanes.engine.KernelTesting.random;
import static dev.lanes.engine.KernelTesting.toFloats;
import static dev.lanes.engine.KernelTesting.tol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VectorPooling} against {@link ScalarPooling} over random geometries (kernel 1..4, stride 1..3,
 * pad 0..k/2, odd sizes, the 2x2 stride-2 fast path often), with 1, 2, 3 and 5 threads. Max pooling must agree to
 * the bit, argmax included (ties and NaNs too); average pooling within a tolerance scaled to the window.
 */
class VectorPoolingProperties {
    private final PoolingKernels vector = new VectorPooling();
    private final PoolingKernels scalar = new ScalarPooling();

    @Provide
    Arbitrary<PoolShape> shapes() {
        Arbitrary<Integer> side = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 12)),
                Tuple.of(2, Arbitraries.of(13, 17, 23, 31, 32, 33, 40)));
        Arbitrary<PoolShape> any = Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 5),
                        side, side, Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3))
                .as((n, c, h, w, kh, kw, sh, sw) -> {
                    int ph = Math.min(kh / 2, (h + w) % 2 * (kh / 2)), pw = Math.min(kw / 2, (n + c) % 2 * (kw / 2));
                    if (h + 2 * ph < kh || w + 2 * pw < kw) return PoolShape.of(n, c, Math.max(h, 4), Math.max(w, 4), 2, 2, 0);
                    return new PoolShape(n, c, h, w, kh, kw, sh, sw, ph, pw);
                });
        Arbitrary<PoolShape> fast = Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 16),
                        Arbitraries.integers().between(2, 70), Arbitraries.integers().between(2, 70))
                .as((n, c, h, w) -> PoolShape.of(n, c, h, w, 2, 2, 0));
        return Arbitraries.frequencyOf(Tuple.of(3, any), Tuple.of(2, fast));
    }

    /** Data with ties (values rounded to a coarse grid) and the odd NaN, to pin down which element wins. */
    private static float[] data(long seed, int size, int off, boolean nan) {
        float[] x = random(seed, size + off, 4f);
        for (int i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2) / 2f;
        if (nan && size > 3) x[off + size / 3] = Float.NaN;
        // and now and then NaNs side by side, so that a NaN is the best so far when another NaN or a number follows
        if (nan && size > 12 && seed % 3 == 0) x[off + size / 2] = x[off + size / 2 + 1] = x[off + size / 2 + 5] = Float.NaN;
        return x;
    }

    @Property(tries = 80)
    void maxPoolingMatchesExactly(@ForAll("shapes") PoolShape s, @ForAll boolean nan, @ForAll long seed,
                                  @ForAll @IntRange(min = 0, max = 3) int off) {
        float[] x = data(seed, s.inputSize(), off, nan), dy = random(seed + 1, s.outputSize() + off, 1f);
        float[] expected = maxRun(scalar, s, x, dy, off);
        float[][] v = deterministic("max pool " + s, () -> maxRun(vector, s, x, dy, off));
        assertEachExactly("max pool " + s, expected, v);
    }

    private static float[] maxRun(PoolingKernels k, PoolShape s, float[] x, float[] dy, int off) {
        float[] y = new float[s.outputSize() + off], dx = new float[s.inputSize() + off];
        int[] argmax = new int[s.outputSize()];
        k.maxForward(s, x, off, y, off, argmax);
        k.maxBackward(s, dy, off, argmax, dx, off);
        return concat(y, toFloats(argmax), dx);
    }

    @Property(tries = 80)
    void avgPoolingMatches(@ForAll("shapes") PoolShape s, @ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int off) {
        float[] x = random(seed, s.inputSize() + off, 1f), dy = random(seed + 1, s.outputSize() + off, 1f);
        float[] expected = avgRun(scalar, s, x, dy, off);
        float[][] v = deterministic("avg pool " + s, () -> avgRun(vector, s, x, dy, off));
        for (float[] r : v) assertClose("avg pool " + s, expected, r, tol((long) s.kernelH() * s.kernelW() * 4));
    }

    private static float[] avgRun(PoolingKernels k, PoolShape s, float[] x, float[] dy, int off) {
        float[] y = new float[s.outputSize() + off], dx = new float[s.inputSize() + off];
        k.avgForward(s, x, off, y, off);
        k.avgBackward(s, dy, off, dx, off);
        return concat(y, dx);
    }

    @Property(tries = 60)
    void globalAvgPoolingMatches(@ForAll @IntRange(min = 1, max = 8) int n, @ForAll @IntRange(min = 1, max = 40) int c,
                                 @ForAll @IntRange(min = 1, max = 1100) int hw, @ForAll long seed) {
        float[] x = random(seed, n * c * hw + 2, 1f), dy = random(seed + 1, n * c + 1, 1f);
        java.util.function.Function<PoolingKernels, float[]> run = k -> {
            float[] y = new float[n * c + 1], dx = new float[n * c * hw + 2];
            k.globalAvgForward(n, c, hw, x, 2, y, 1);
            k.globalAvgBackward(n, c, hw, dy, 1, dx, 2);
            return concat(y, dx);
        };
        float[] expected = run.apply(scalar);
        float[][] v = deterministic("global avg", () -> run.apply(vector));
        for (float[] r : v) assertClose("global avg [" + n + ", " + c + ", " + hw + "]", expected, r, tol(hw));
    }
}
