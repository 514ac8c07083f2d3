package dev.lanes.engine.norm;

import static dev.lanes.engine.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batch norm against definitions written here in double: per-channel output mean = beta and std = |gamma|,
 * the running-statistics update (unbiased variance), inference, and backward against central finite
 * differences of a double-precision forward. Both implementations; argument checks.
 */
class BatchNormReferenceTest {
    private final List<BatchNormKernels> impls = List.of(new ScalarBatchNorm(), new VectorBatchNorm());
    private static final int N = 3, C = 4, HW = 10;

    @Test
    void outputHasMeanBetaAndStdGammaAndRunningStatsFollowTheFormula() {
        float[] x = random(1, N * C * HW, 2f);
        for (int i = 0; i < x.length; i++) x[i] += 3f;
        float[] gamma = {1.5f, -0.5f, 2f, 0.25f}, beta = {0.1f, -1f, 0f, 2f};
        for (BatchNormKernels k : impls) {
            float[] rm = {0.5f, 0f, 1f, -1f}, rv = {1f, 2f, 0.5f, 1f}, mean = new float[C], inv = new float[C];
            float[] y = new float[x.length];
            k.forwardTraining(N, C, HW, x, 0, gamma, beta, 1e-5f, 0.1f, rm, rv, mean, inv, y, 0);
            float[] rm0 = {0.5f, 0f, 1f, -1f}, rv0 = {1f, 2f, 0.5f, 1f};
            for (int c = 0; c < C; c++) {
                double[] xs = channel(x, c), ys = channel(y, c);
                double mx = mean(xs), vx = var(xs, mx), my = mean(ys);
                assertEquals(beta[c], my, 1e-5, "mean of channel " + c);
                assertEquals(Math.abs(gamma[c]), Math.sqrt(var(ys, my)), 1e-4 * Math.abs(gamma[c]), "std of channel " + c);
                assertEquals(mx, mean[c], 1e-5);
                assertEquals(1 / Math.sqrt(vx + 1e-5), inv[c], 1e-5);
                int m = N * HW;
                assertEquals(0.9 * rm0[c] + 0.1 * mx, rm[c], 1e-5, "running mean");
                assertEquals(0.9 * rv0[c] + 0.1 * vx * m / (m - 1), rv[c], 1e-5, "running var uses the unbiased variance");
            }
            float[] yInf = new float[x.length];
            k.forwardInference(N, C, HW, x, 0, gamma, beta, rm, rv, 1e-5f, yInf, 0);
            for (int i = 0; i < x.length; i++) {
                int c = (i / HW) % C;
                assertEquals(gamma[c] * (x[i] - rm[c]) / Math.sqrt(rv[c] + 1e-5) + beta[c], yInf[i], 1e-5);
            }
        }
    }

    /** L = sum(dy * y) with y the training-mode batch norm of x, all in double. */
    private static double objective(double[] x, double[] gamma, double[] beta, float[] dy) {
        double total = 0;
        int m = N * HW;
        for (int c = 0; c < C; c++) {
            double mean = 0, var = 0;
            for (int b = 0; b < N; b++) for (int i = 0; i < HW; i++) mean += x[(b * C + c) * HW + i] / m;
            for (int b = 0; b < N; b++) for (int i = 0; i < HW; i++) var += Math.pow(x[(b * C + c) * HW + i] - mean, 2) / m;
            for (int b = 0; b < N; b++) {
                for (int i = 0; i < HW; i++) {
                    int at = (b * C + c) * HW + i;
                    total += dy[at] * (gamma[c] * (x[at] - mean) / Math.sqrt(var + 1e-5) + beta[c]);
                }
            }
        }
        return total;
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        float[] x = random(2, N * C * HW, 1.5f), dy = random(3, N * C * HW, 1f);
        float[] gamma = {1.5f, -0.5f, 2f, 0.25f}, beta = {0.1f, -1f, 0f, 2f};
        double[] xd = toDouble(x), gd = toDouble(gamma), bd = toDouble(beta);
        double h = 1e-4;
        for (BatchNormKernels k : impls) {
            float[] mean = new float[C], inv = new float[C], y = new float[x.length], dx = new float[x.length];
            k.forwardTraining(N, C, HW, x, 0, gamma, beta, 1e-5f, 0.1f, new float[C], new float[C], mean, inv, y, 0);
            float[] dg = {1f, 1f, 1f, 1f}, db = {-1f, -1f, -1f, -1f}; // accumulated into, not overwritten
            k.backward(N, C, HW, x, 0, dy, 0, gamma, mean, inv, dx, 0, dg, db);
            for (int i = 0; i < x.length; i++) {
                assertEquals(central(xd, i, h, () -> objective(xd, gd, bd, dy)), dx[i], 2e-4, "dx[" + i + "]");
            }
            for (int c = 0; c < C; c++) {
                assertEquals(central(gd, c, h, () -> objective(xd, gd, bd, dy)) + 1, dg[c], 2e-4, "dgamma[" + c + "]");
                assertEquals(central(bd, c, h, () -> objective(xd, gd, bd, dy)) - 1, db[c], 2e-4, "dbeta[" + c + "]");
            }
            float[] untouched = dx.clone();
            k.backward(N, C, HW, x, 0, dy, 0, gamma, mean, inv, null, 0, null, null); // frozen layer, input needs no grad
            assertArrayEquals(untouched, dx);
        }
    }

    private static double central(double[] a, int i, double h, java.util.function.DoubleSupplier f) {
        double saved = a[i];
        a[i] = saved + h;
        double up = f.getAsDouble();
        a[i] = saved - h;
        double down = f.getAsDouble();
        a[i] = saved;
        return (up - down) / (2 * h);
    }

    private static double[] channel(float[] a, int c) {
        double[] out = new double[N * HW];
        for (int b = 0; b < N; b++) for (int i = 0; i < HW; i++) out[b * HW + i] = a[(b * C + c) * HW + i];
        return out;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }

    private static double var(double[] a, double mean) {
        double s = 0;
        for (double v : a) s += (v - mean) * (v - mean);
        return s / a.length;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    @Test
    void badArgumentsNameTheShapes() {
        float[] x = new float[24], y = new float[24], c3 = new float[3];
        for (BatchNormKernels k : impls) {
            assertMessage(() -> k.forwardTraining(2, 3, 4, new float[23], 0, c3, c3, 1e-5f, 0.1f, c3, c3, c3, c3, y, 0), "x [2, 3, 4]");
            assertMessage(() -> k.forwardTraining(2, 3, 4, x, 0, new float[2], c3, 1e-5f, 0.1f, c3, c3, c3, c3, y, 0), "gamma [3]");
            assertMessage(() -> k.forwardTraining(2, 3, 4, x, 0, c3, c3, 1e-5f, 0.1f, c3, null, c3, c3, y, 0), "runningVar [3]");
            assertMessage(() -> k.forwardTraining(1, 3, 1, x, 0, c3, c3, 1e-5f, 0.1f, c3, c3, c3, c3, y, 0), "[1, 3, 1]");
            assertMessage(() -> k.forwardTraining(2, 3, 4, x, 0, c3, c3, 1e-5f, 1.5f, c3, c3, c3, c3, y, 0), "momentum");
            assertMessage(() -> k.forwardInference(2, -3, 4, x, 0, c3, c3, c3, c3, 1e-5f, y, 0), "[2, -3, 4]");
            assertMessage(() -> k.forwardInference(2, 3, 4, x, 0, c3, c3, c3, c3, 1e-5f, y, 1), "y [2, 3, 4]");
            assertMessage(() -> k.backward(2, 3, 4, x, 0, new float[20], 0, c3, c3, c3, null, 0, null, null), "dy [2, 3, 4]");
            assertMessage(() -> k.backward(2, 3, 4, x, 0, y, 0, c3, c3, c3, new float[24], 2, null, null), "dx [2, 3, 4]");
            assertMessage(() -> k.backward(2, 3, 4, x, 0, y, 0, c3, c3, c3, null, 0, new float[1], null), "dgamma [3]");
        }
    }

    static void assertMessage(Runnable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention " + fragment);
    }
}
