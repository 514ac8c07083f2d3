package dev.lanes.engine.gemm;

import dev.lanes.engine.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Run by {@link VectorGemmWidthsTest} in a fresh JVM limited to one vector width ({@code -XX:MaxVectorSize}),
 * so that the tile chosen for that width (12×2 at 512 bits, 4×2 below) is the one tested: {@link VectorGemm}
 * against a double-precision triple loop over seeded random shapes (tails, odd sizes, sizes past one KC
 * block, every storage order, alpha and beta, padded leading dimensions, offsets), C outside its window
 * untouched, and the same bits on a repeat and with 1, 2, 3 and 5 threads. Prints
 * {@code OK lanes <L> mr <MR> problems <N>}; exits 1 naming the first failure.
 */
public final class GemmWidthProbe {
    private static final float SENTINEL = -7777.25f;
    private static final int[] AWKWARD = {1, 2, 3, 4, 5, 7, 8, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 97, 128, 129};

    private GemmWidthProbe() {}

    public static void main(String[] args) {
        int problems = args.length > 0 ? Integer.parseInt(args[0]) : 160;
        SplittableRandom r = new SplittableRandom(20240612L);
        Gemm gemm = new VectorGemm();
        int done = 0;
        while (done < problems) {
            int m = size(r), n = size(r), k = size(r);
            if ((long) m * n * k > 2_500_000L) continue;
            boolean transA = r.nextBoolean(), transB = r.nextBoolean();
            float alpha = scalar(r), beta = scalar(r);
            int pad = r.nextInt(4), off = r.nextInt(6);
            int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
            float[] a = random(r, off + (transA ? k : m) * lda + 2), b = random(r, off + 1 + (transB ? n : k) * ldb + 2);
            float[] c0 = random(r, off + 2 + m * ldc + 2);
            int aOff = off, bOff = off + 1, cOff = off + 2;
            if (beta == 0f) {
                for (int i = 0; i < m; i++) Arrays.fill(c0, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
            }
            for (int i = 0; i < m; i++) Arrays.fill(c0, cOff + i * ldc + n, Math.min(c0.length, cOff + (i + 1) * ldc), SENTINEL);
            String what = (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta + " pad=" + pad + " off=" + off;

            float[] reference = null;
            for (int threads : new int[]{1, 2, 1, 3, 5}) {
                Parallel.setThreads(threads);
                float[] c = c0.clone();
                gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                if (reference == null) {
                    reference = c;
                    checkValues(what, a, aOff, lda, b, bOff, ldb, c0, c, cOff, ldc, m, n, k, transA, transB, alpha, beta);
                } else if (!Arrays.equals(reference, c)) {
                    fail(what + ": other bits with " + threads + " threads than with 1 (or on a repeat)");
                }
            }
            done++;
        }
        System.out.println("OK lanes " + VectorMicroKernel.L + " mr " + VectorMicroKernel.MR + " problems " + done);
    }

    private static void checkValues(String what, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float[] c0, float[] c, int cOff, int ldc, int m, int n, int k,
                                    boolean transA, boolean transB, float alpha, float beta) {
        double maxA = maxAbs(a), maxB = maxAbs(b);
        double tol = 1e-5 * k * maxA * maxB * Math.abs(alpha) + 1e-6 * Math.abs(beta) + 1e-6;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                }
                int at = cOff + i * ldc + j;
                double exact = alpha * s + (beta == 0f ? 0 : beta * (double) c0[at]);
                if (!(Math.abs(c[at] - exact) <= tol)) {
                    fail(what + ": C[" + i + "][" + j + "] = " + c[at] + ", exact " + exact + ", tolerance " + tol);
                }
            }
        }
        for (int x = 0; x < c.length; x++) {
            int rel = x - cOff, row = Math.floorDiv(rel, ldc), col = rel - row * ldc;
            if (rel >= 0 && row < m && col < n) continue;
            if (Float.compare(c0[x], c[x]) != 0) fail(what + ": float " + x + " outside C changed to " + c[x]);
        }
    }

    /** Mostly 1..150, often sizes around multiples of the tiles, sometimes past one KC block. */
    private static int size(SplittableRandom r) {
        int pick = r.nextInt(10);
        if (pick < 5) return 1 + r.nextInt(150);
        if (pick < 9) return AWKWARD[r.nextInt(AWKWARD.length)];
        return 250 + r.nextInt(450);
    }

    private static float scalar(SplittableRandom r) {
        int pick = r.nextInt(5);
        return pick == 0 ? 0f : pick == 1 ? 1f : pick == 2 ? -1f : (float) (r.nextDouble() * 5 - 2.5);
    }

    private static float[] random(SplittableRandom r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private static double maxAbs(float[] x) {
        double mx = 0;
        for (float v : x) if (!Float.isNaN(v) && v != SENTINEL) mx = Math.max(mx, Math.abs(v));
        return mx;
    }

    private static void fail(String message) {
        System.out.println("FAIL lanes " + VectorMicroKernel.L + " mr " + VectorMicroKernel.MR + ": " + message);
        System.exit(1);
    }
}
