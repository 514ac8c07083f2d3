package dev.lanes.engine.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.engine.KernelTesting;
import dev.lanes.engine.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * {@link VectorGemm} against {@link ScalarGemm} and a naive double-precision triple loop, over random sizes
 * (1, primes, non-multiples of the vector width, sizes crossing the KC/MC blocks), all four transpose
 * combinations, random alpha and beta, padded leading dimensions and nonzero offsets, with 1, 2, 3 and 5 threads.
 * Floats outside the C matrix must stay untouched, and beta == 0 must ignore NaN garbage in C.
 */
class VectorGemmProperties {
    private static final int DEFAULT_THREADS = Parallel.threads();
    private static final float SENTINEL = -7777.25f;
    private final Gemm vector = new VectorGemm();
    private final Gemm scalar = new ScalarGemm();

    @AfterContainer
    static void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    @Provide
    Arbitrary<Integer> threads() {
        return KernelTesting.threadCounts();
    }

    /** Mostly 1..150, often the awkward sizes, sometimes past one KC block (512). */
    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(1, 150)),
                Tuple.of(3, Arbitraries.of(1, 2, 3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 31, 32, 33, 97, 127, 128, 129)),
                Tuple.of(1, Arbitraries.integers().between(250, 700)));
    }

    @Provide
    Arbitrary<Float> scalars() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0f, 1f, -1f)),
                Tuple.of(3, Arbitraries.floats().between(-2.5f, 2.5f)));
    }

    @Property(tries = 400)
    void matchesReferences(@ForAll("sizes") int m, @ForAll("sizes") int n, @ForAll("sizes") int k,
                           @ForAll boolean transA, @ForAll boolean transB,
                           @ForAll("scalars") float alpha, @ForAll("scalars") float beta,
                           @ForAll @IntRange(min = 0, max = 5) int pad, @ForAll @IntRange(min = 0, max = 7) int off,
                           @ForAll("threads") int threads, @ForAll long seed) {
        if ((long) m * n * k > 6_000_000L) return; // keeps the scalar references fast
        Parallel.setThreads(threads);
        Problem p = new Problem(transA, transB, m, n, k, pad, off, seed);
        float[] cVector = p.initialC(beta), cScalar = p.initialC(beta);
        p.run(vector, alpha, beta, cVector);
        p.run(scalar, alpha, beta, cScalar);
        double[] exact = p.naive(alpha, beta);
        double tol = 1e-5 * k * p.maxA * p.maxB * Math.abs(alpha) + 1e-6 * Math.abs(beta) + 1e-6;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = p.cOff + i * p.ldc + j;
                float v = cVector[at];
                if (!(Math.abs(v - exact[i * n + j]) <= tol) || !(Math.abs(v - cScalar[at]) <= tol)) {
                    fail(p + " alpha=" + alpha + " beta=" + beta + " threads=" + threads + ": C[" + i + "][" + j + "] = "
                            + v + ", scalar " + cScalar[at] + ", exact " + exact[i * n + j] + ", tolerance " + tol);
                }
            }
        }
        p.assertOutsideUntouched(cVector);
    }

    @Property(tries = 80)
    void sameBitsOnRepeatAndAcrossThreadCounts(@ForAll("sizes") int m, @ForAll("sizes") int n,
                                               @ForAll("sizes") int k, @ForAll boolean transA,
                                               @ForAll boolean transB, @ForAll("scalars") float beta,
                                               @ForAll long seed) {
        Problem p = new Problem(transA, transB, m, n, k, 1, 3, seed);
        int[] threadCounts = {2, 2, 1, 3, 5};
        float[][] results = new float[threadCounts.length][];
        for (int r = 0; r < threadCounts.length; r++) {
            Parallel.setThreads(threadCounts[r]);
            results[r] = p.initialC(beta);
            p.run(vector, 0.75f, beta, results[r]);
        }
        assertArrayEquals(results[0], results[1], "two runs with 2 threads differ on " + p);
        // k is never split and blocks in k depend only on k, so even the thread count does not change bits
        for (int r = 2; r < threadCounts.length; r++) {
            assertArrayEquals(results[0], results[r], "2 and " + threadCounts[r] + " threads differ on " + p);
        }
    }

    /** Shapes the convolution layers use, and column counts past one NC block. */
    @Example
    void convolutionAndLargeShapes() {
        int[][] shapes = {{64, 196, 288}, {32, 784, 9}, {64, 288, 196}, {288, 196, 64}, {5, 4200, 300}, {300, 3, 70},
                {64, 196, 576}, {40, 70, 1100}};
        for (int threads : KernelTesting.THREAD_COUNTS) {
            Parallel.setThreads(threads);
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    Problem p = new Problem(t / 2 == 1, t % 2 == 1, s[0], s[1], s[2], 2, 1, 42);
                    float[] c = p.initialC(0.5f);
                    p.run(vector, 1.25f, 0.5f, c);
                    double[] exact = p.naive(1.25f, 0.5f);
                    double tol = 1e-5 * s[2] * 1.25 + 1e-6;
                    for (int i = 0; i < s[0]; i++) {
                        for (int j = 0; j < s[1]; j++) {
                            assertEquals(exact[i * s[1] + j], c[p.cOff + i * p.ldc + j], tol, p + " at " + i + "," + j);
                        }
                    }
                    p.assertOutsideUntouched(c);
                }
            }
        }
    }

    /** Random operands at offsets inside larger arrays, with padded leading dimensions. */
    private static final class Problem {
        final boolean transA, transB;
        final int m, n, k, lda, ldb, ldc, aOff, bOff, cOff;
        final float[] a, b, c0;
        final float maxA, maxB;

        Problem(boolean transA, boolean transB, int m, int n, int k, int pad, int off, long seed) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            SplittableRandom r = new SplittableRandom(seed);
            lda = (transA ? m : k) + pad;
            ldb = (transB ? k : n) + pad;
            ldc = n + pad;
            aOff = off;
            bOff = off + 1;
            cOff = off + 2;
            a = filled(aOff + (transA ? k : m) * lda + 3, r);
            b = filled(bOff + (transB ? n : k) * ldb + 3, r);
            c0 = filled(cOff + m * ldc + 3, r);
            maxA = maxAbs(a);
            maxB = maxAbs(b);
        }

        /** C before the call: random values, or NaN when beta == 0 (which must not read them). */
        float[] initialC(float beta) {
            float[] c = c0.clone();
            if (beta == 0f) {
                for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
            }
            for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc + n, Math.min(c.length, cOff + (i + 1) * ldc), SENTINEL);
            return c;
        }

        void run(Gemm g, float alpha, float beta, float[] c) {
            g.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        /** alpha * op(A) op(B) + beta * C0 as a plain triple loop in double precision. */
        double[] naive(float alpha, float beta) {
            double[] out = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                        s += x * y;
                    }
                    out[i * n + j] = alpha * s + (beta == 0f ? 0 : beta * (double) c0[cOff + i * ldc + j]);
                }
            }
            return out;
        }

        /** Everything outside the m×n window of C is as before: the prefix, the row padding, the suffix. */
        void assertOutsideUntouched(float[] c) {
            for (int x = 0; x < c.length; x++) {
                int rel = x - cOff, row = Math.floorDiv(rel, ldc), col = rel - row * ldc;
                boolean inside = rel >= 0 && row < m && col < n;
                if (inside) continue;
                boolean padding = rel >= 0 && row < m;
                float expected = padding ? SENTINEL : c0[x];
                assertTrue(Float.compare(expected, c[x]) == 0, this + ": float " + x + " outside C changed to " + c[x]);
            }
        }

        private static float[] filled(int size, SplittableRandom r) {
            float[] x = new float[size];
            for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
            return x;
        }

        private static float maxAbs(float[] x) {
            float mx = 0;
            for (float v : x) mx = Math.max(mx, Math.abs(v));
            return mx;
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " lda=" + lda
                    + " ldb=" + ldb + " ldc=" + ldc + " offsets " + aOff + "/" + bOff + "/" + cOff;
        }
    }
}
