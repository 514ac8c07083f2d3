package dev.lanes.engine.elementwise;

import static dev.lanes.engine.KernelTesting.assertEachExactly;
import static dev.lanes.engine.KernelTesting.concat;
import static dev.lanes.engine.KernelTesting.deterministic;
import static dev.lanes.engine.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VectorElementwise} against {@link ScalarElementwise}: maps and optimizer steps to the bit, sums
 * within the rounding bound of their summation order ({@link #summationBound}); every kernel bit-identical across runs with 1, 2, 3 and 5 threads.
 */
class VectorElementwiseProperties {
    private final ElementwiseKernels vector = new VectorElementwise();
    private final ElementwiseKernels scalar = new ScalarElementwise();

    @Provide
    Arbitrary<Integer> counts() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 300)),
                Tuple.of(3, Arbitraries.of(1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 97, 127, 129, 1023, 1025)),
                Tuple.of(1, Arbitraries.integers().between(65_000, 140_000)));
    }

    @Property(tries = 50)
    void mapsMatchExactly(@ForAll("counts") int count, @ForAll @IntRange(min = 0, max = 3) int off,
                          @ForAll long seed) {
        float[] a = random(seed, count + off, 2f), b = random(seed + 1, count + off, 2f);
        float alpha = a.length > 0 ? a[0] : 0.5f;
        float[] expected = run(scalar, a, b, alpha, off, count);
        float[][] v = deterministic("maps", () -> run(vector, a, b, alpha, off, count));
        assertEachExactly("maps", expected, v);
    }

    private static float[] run(ElementwiseKernels k, float[] a, float[] b, float alpha, int off, int count) {
        float[] sum = new float[count], prod = new float[count], axpy = b.clone(), scaled = a.clone();
        k.add(a, off, b, off, sum, 0, count);
        k.mul(a, off, b, off, prod, 0, count);
        k.axpy(alpha, a, off, axpy, off, count);
        k.scale(alpha, scaled, off, count);
        return concat(sum, prod, axpy, scaled);
    }

    @Property(tries = 50)
    void sumsMatch(@ForAll("counts") int count, @ForAll @IntRange(min = 0, max = 3) int off, @ForAll long seed) {
        float[] x = random(seed, count + off, 1f);
        float[][] v = deterministic("sums", () -> new float[]{vector.sum(x, off, count), vector.sumOfSquares(x, off, count)});
        for (float[] r : v) {
            assertWithinSummationBound("sum", count, scalar.sum(x, off, count), r[0], absSum(x, off, count, false));
            assertWithinSummationBound("sumOfSquares", count, scalar.sumOfSquares(x, off, count), r[1], absSum(x, off, count, true));
        }
    }

    @Property(tries = 40)
    void channelSumsMatch(@ForAll @IntRange(min = 1, max = 6) int n, @ForAll @IntRange(min = 1, max = 40) int c,
                          @ForAll("counts") int hw, @ForAll long seed) {
        if ((long) n * c * hw > 300_000) return;
        float[] x = random(seed, n * c * hw + 1, 1f), sS = new float[c], qS = new float[c];
        scalar.channelSumAndSquares(n, c, hw, x, 1, sS, qS);
        float[][] v = deterministic("channelSums", () -> {
            float[] s = new float[c], q = new float[c];
            vector.channelSumAndSquares(n, c, hw, x, 1, s, q);
            return concat(s, q);
        });
        for (float[] r : v) {
            for (int ch = 0; ch < c; ch++) {
                double abs = 0, squares = 0;
                for (int b = 0; b < n; b++) {
                    abs += absSum(x, 1 + (b * c + ch) * hw, hw, false);
                    squares += absSum(x, 1 + (b * c + ch) * hw, hw, true);
                }
                assertWithinSummationBound("channel " + ch + " sum", n * hw, sS[ch], r[ch], abs);
                assertWithinSummationBound("channel " + ch + " sum of squares", n * hw, qS[ch], r[c + ch], squares);
            }
        }
    }

    /**
     * The bounds are tight enough to catch a kernel that loses one element, at every size: the old tolerance
     * (2e-6 (4 + sqrt n) sqrt n, relative) accepted up to 28% error at n = 140,000 and could not see it.
     */
    @Example
    void theBoundCatchesAKernelThatDropsOneElement() {
        for (int count : new int[]{1, 17, 1025, 65_537, 140_000}) {
            float[] x = random(count, count, 1f);
            int dropped = count / 2;
            x[dropped] = 0.9f;
            float expected = scalar.sum(x, 0, count), expectedSquares = scalar.sumOfSquares(x, 0, count);
            // a "kernel" that skips one element, as an off-by-one in a tail loop would
            float wrong = vector.sum(x, 0, count) - x[dropped];
            float wrongSquares = vector.sumOfSquares(x, 0, count) - x[dropped] * x[dropped];
            assertTrue(Math.abs(wrong - expected) > summationBound(count, expected, wrong, absSum(x, 0, count, false)),
                    "n=" + count + ": the sum bound accepts a dropped element");
            assertTrue(Math.abs(wrongSquares - expectedSquares)
                            > summationBound(count, expectedSquares, wrongSquares, absSum(x, 0, count, true)),
                    "n=" + count + ": the sum-of-squares bound accepts a dropped element");
            // and the right kernel is inside it
            assertWithinSummationBound("sum n=" + count, count, expected, vector.sum(x, 0, count), absSum(x, 0, count, false));
        }
    }

    /** Σ|x| (or Σx²) over the range, in double: the scale of a summation's rounding error. */
    private static double absSum(float[] x, int off, int count, boolean squares) {
        double s = 0;
        for (int i = 0; i < count; i++) {
            double v = x[off + i];
            s += squares ? v * v : Math.abs(v);
        }
        return s;
    }

    private static void assertWithinSummationBound(String what, long count, float expected, float actual, double absSum) {
        double bound = summationBound(count, expected, actual, absSum);
        if (!(Math.abs(actual - expected) <= bound)) {
            fail(what + " over " + count + " terms: " + actual + " but the double-precision reference gives " + expected
                    + "; the difference " + Math.abs(actual - expected) + " exceeds the rounding bound " + bound);
        }
    }

    /**
     * What float summation can do, derived from the kernels' structure. The reference adds in double and rounds
     * once. {@link VectorElementwise} adds each block of {@value #BLOCK} floats in 2L float lanes (L = lanes per
     * vector), {@code BLOCK/(2L)} terms per lane, then adds the two accumulators and folds the L lanes in log2(L)
     * steps, and adds blocks and the tail in double. So each term passes through at most
     * d = BLOCK/(2L) + log2(L) float roundings (a fused multiply-add rounds once for x*x + acc), and the standard
     * bound for a summation tree of depth d (Higham, Accuracy and Stability of Numerical Algorithms, 4.2) gives
     * <pre>
     *   |vector - reference| &lt;= gamma_d(u32) * A + 2 * gamma_n(u64) * A + u32 * (|vector| + |reference|) * (1 + 2 u32)
     *   gamma_k(u) = k u / (1 - k u),  u32 = 2^-24,  u64 = 2^-53,  A = sum of |x| (of x^2 for sums of squares)
     * </pre>
     * the last term being the two final roundings to float. At n = 140,000 and L = 16 that is about 2e-6 of A,
     * 0.15 for data in [-1, 1]: a rigorous worst case, which the real error stays well below.
     */
    static double summationBound(long count, float expected, float actual, double absSum) {
        int lanes = VectorElementwise.S.length();
        int depth = BLOCK / (2 * lanes) + Integer.numberOfTrailingZeros(lanes);
        double u32 = 0x1p-24, u64 = 0x1p-53;
        return gamma(depth, u32) * absSum + 2 * gamma(count, u64) * absSum
                + u32 * (Math.abs(expected) + Math.abs(actual)) * (1 + 2 * u32);
    }

    /** VectorElementwise.BLOCK: floats summed in float lanes before their partial goes into the double total. */
    private static final int BLOCK = 1024;

    private static double gamma(long k, double u) {
        return k * u / (1 - k * u);
    }

    @Property(tries = 40)
    void adamMatchesExactly(@ForAll("counts") int count, @ForAll boolean decoupled, @ForAll long seed) {
        float[] w = random(seed, count, 1f), g = random(seed + 1, count, 1f), m = random(seed + 2, count, 0.1f);
        float[] v = random(seed + 3, count, 0.01f);
        for (int i = 0; i < count; i++) v[i] = Math.abs(v[i]);
        float l2 = decoupled ? 0f : 1e-3f, wd = decoupled ? 1e-2f : 0f;
        float[] ws = w.clone(), ms = m.clone(), vs = v.clone();
        scalar.adamStep(ws, g, ms, vs, count, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.271f, 0.00399f, l2, wd);
        float[] expected = concat(ws, ms, vs);
        float[][] r = deterministic("adam", () -> {
            float[] wv = w.clone(), mv = m.clone(), vv = v.clone();
            vector.adamStep(wv, g, mv, vv, count, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.271f, 0.00399f, l2, wd);
            return concat(wv, mv, vv);
        });
        assertEachExactly("adam", expected, r);
    }

    @Property(tries = 40)
    void sgdMatchesExactly(@ForAll("counts") int count, @ForAll boolean nesterov, @ForAll boolean withMomentum,
                           @ForAll long seed) {
        float[] w = random(seed, count, 1f), g = random(seed + 1, count, 1f), buf = random(seed + 2, count, 0.1f);
        float momentum = withMomentum ? 0.9f : 0f;
        float[] ws = w.clone(), bs = buf.clone();
        scalar.sgdStep(ws, g, withMomentum ? bs : null, count, 0.05f, momentum, 5e-4f, nesterov);
        float[] expected = concat(ws, bs);
        float[][] r = deterministic("sgd", () -> {
            float[] wv = w.clone(), bv = buf.clone();
            vector.sgdStep(wv, g, withMomentum ? bv : null, count, 0.05f, momentum, 5e-4f, nesterov);
            return concat(wv, bv);
        });
        assertEachExactly("sgd", expected, r);
    }
}
