package dev.lanes.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Helpers the kernel property tests share: seeded data, tolerant and exact comparisons, thread switching. */
public final class KernelTesting {
    private KernelTesting() {}

    /** {@code size} uniform floats in [-range, range) from {@code seed}. */
    public static float[] random(long seed, int size, float range) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        return a;
    }

    /**
     * Fails naming {@code what} and the first index where |expected - actual| > tol * max(1, |expected|);
     * NaNs must match NaNs.
     */
    public static void assertClose(String what, float[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) fail(what + ": lengths " + expected.length + " vs " + actual.length);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (!(Math.abs(e - a) <= tol * Math.max(1.0, Math.abs(e)))) {
                fail(what + ": element " + i + " is " + a + " but expected " + e + " (tolerance " + tol + ")");
            }
        }
    }

    public static void assertClose(String what, double expected, double actual, double tol) {
        if (!(Math.abs(expected - actual) <= tol * Math.max(1.0, Math.abs(expected)))) {
            fail(what + ": " + actual + " but expected " + expected + " (tolerance " + tol + ")");
        }
    }

    /** Tolerance for float results of a reduction over {@code length} terms of order one. */
    public static double tol(long length) {
        return 2e-6 * (4 + Math.sqrt(length));
    }

    /**
     * The thread counts every kernel property runs with: 1 and 2, and 3 and 5, odd counts that split chunks
     * unevenly (the default is every core, and machines with 3, 5 or 6 cores exist). 5 also exceeds the cores
     * of a small test machine.
     */
    public static final int[] THREAD_COUNTS = {1, 2, 3, 5};

    /** {@link #THREAD_COUNTS} as a jqwik arbitrary, for properties that take the thread count as a parameter. */
    public static Arbitrary<Integer> threadCounts() {
        return Arbitraries.of(Arrays.stream(THREAD_COUNTS).boxed().toList());
    }

    /**
     * Runs {@code kernel} (which returns its outputs as one array) twice with each of {@link #THREAD_COUNTS},
     * asserting each pair is bit-identical; returns one result per thread count, in that order. Restores the
     * thread count.
     */
    public static float[][] deterministic(String what, Supplier<float[]> kernel) {
        int before = Parallel.threads();
        try {
            float[][] out = new float[THREAD_COUNTS.length][];
            for (int i = 0; i < THREAD_COUNTS.length; i++) {
                Parallel.setThreads(THREAD_COUNTS[i]);
                float[] first = kernel.get(), second = kernel.get();
                assertArrayEquals(first, second, what + ": two runs with " + THREAD_COUNTS[i] + " thread(s) differ");
                out[i] = first;
            }
            return out;
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Asserts that every result of {@link #deterministic} equals {@code expected} to the bit. */
    public static void assertEachExactly(String what, float[] expected, float[][] perThreadCount) {
        for (int i = 0; i < perThreadCount.length; i++) {
            assertArrayEquals(expected, perThreadCount[i], what + ", " + THREAD_COUNTS[i] + " thread(s)");
        }
    }

    /** Concatenates arrays, for kernels with several outputs. */
    public static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    public static float[] toFloats(int[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = a[i];
        return f;
    }
}
