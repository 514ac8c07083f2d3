package dev.lanes.engine.elementwise;

import static dev.lanes.engine.KernelTesting.assertClose;
import static dev.lanes.engine.KernelTesting.concat;
import static dev.lanes.engine.KernelTesting.deterministic;
import static dev.lanes.engine.KernelTesting.random;
import static dev.lanes.engine.KernelTesting.tol;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VectorElementwise} against {@link ScalarElementwise}: maps and optimizer steps to the bit, sums
 * within a tolerance scaled to their length; every kernel bit-identical across runs with 1 and 2 threads.
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
        assertArrayEquals(expected, v[0]);
        assertArrayEquals(expected, v[1]);
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
            // sum of count terms of size <= 1: error relative to sqrt(count)
            assertClose("sum", scalar.sum(x, off, count), r[0], tol(count) * Math.max(1, Math.sqrt(count)));
            assertClose("sumOfSquares", scalar.sumOfSquares(x, off, count), r[1], tol(count));
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
        double t = tol((long) n * hw) * Math.max(1, Math.sqrt((double) n * hw));
        for (float[] r : v) assertClose("channel sums", concat(sS, qS), r, t);
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
        assertArrayEquals(expected, r[0]);
        assertArrayEquals(expected, r[1]);
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
        assertArrayEquals(expected, r[0]);
        assertArrayEquals(expected, r[1]);
    }
}
