package dev.lanes.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Supplier;

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
     * Runs {@code kernel} (which returns its outputs as one array) twice with 1 and twice with 2 threads,
     * asserting each pair is bit-identical; returns the 1-thread and 2-thread results. Restores the thread count.
     */
    public static float[][] deterministic(String what, Supplier<float[]> kernel) {
        int before = Parallel.threads();
        try {
            float[][] out = new float[2][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                float[] first = kernel.get(), second = kernel.get();
                assertArrayEquals(first, second, what + ": two runs with " + t + " thread(s) differ");
                out[t - 1] = first;
            }
            return out;
        } finally {
            Parallel.setThreads(before);
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
