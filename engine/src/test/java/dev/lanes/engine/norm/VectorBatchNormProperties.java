package dev.lanes.engine.norm;

import static dev.lanes.engine.KernelTesting.assertClose;
import static dev.lanes.engine.KernelTesting.concat;
import static dev.lanes.engine.KernelTesting.deterministic;
import static dev.lanes.engine.KernelTesting.random;
import static dev.lanes.engine.KernelTesting.tol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VectorBatchNorm} against {@link ScalarBatchNorm} (training forward with running statistics,
 * inference, backward with and without dx/dgamma/dbeta), with 1, 2, 3 and 5 threads; data with a mean offset so
 * the shifted one-pass variance is exercised.
 */
class VectorBatchNormProperties {
    private final BatchNormKernels vector = new VectorBatchNorm();
    private final BatchNormKernels scalar = new ScalarBatchNorm();

    @Provide
    Arbitrary<Integer> planes() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 70)),
                Tuple.of(2, Arbitraries.of(1, 2, 3, 7, 8, 9, 16, 17, 49, 64, 196, 1024, 1031)));
    }

    @Property(tries = 60)
    void allPassesMatch(@ForAll @IntRange(min = 1, max = 9) int n, @ForAll @IntRange(min = 1, max = 33) int c,
                        @ForAll("planes") int hw, @ForAll @FloatRange(min = -5f, max = 5f) float offset,
                        @ForAll boolean frozen, @ForAll long seed) {
        if ((long) n * hw < 2 || (long) n * c * hw > 300_000) return;
        int size = n * c * hw;
        float[] x = random(seed, size + 3, 1f);
        for (int i = 0; i < x.length; i++) x[i] += offset;
        float[] gamma = random(seed + 1, c, 2f), beta = random(seed + 2, c, 1f), dy = random(seed + 3, size + 1, 1f);
        float[] rm0 = random(seed + 4, c, 1f), rv0 = random(seed + 5, c, 1f);
        for (int i = 0; i < c; i++) rv0[i] = Math.abs(rv0[i]) + 0.1f;
        java.util.function.Function<BatchNormKernels, float[]> run = k -> {
            float[] rm = rm0.clone(), rv = rv0.clone(), mean = new float[c], inv = new float[c];
            float[] y = new float[size + 2], yInf = new float[size], dx = new float[size + 1];
            float[] dg = new float[c], db = new float[c];
            k.forwardTraining(n, c, hw, x, 3, gamma, beta, 1e-5f, 0.1f, rm, rv, mean, inv, y, 2);
            k.forwardInference(n, c, hw, x, 3, gamma, beta, rm, rv, 1e-5f, yInf, 0);
            k.backward(n, c, hw, x, 3, dy, 1, gamma, mean, inv, frozen ? null : dx, 0, frozen ? null : dg, db);
            return concat(rm, rv, mean, inv, y, yInf, dx, dg, db);
        };
        float[] expected = run.apply(scalar);
        float[][] v = deterministic("batch norm", () -> run.apply(vector));
        double t = tol((long) n * hw) * 4;
        for (float[] out : v) assertClose("batch norm [" + n + ", " + c + ", " + hw + "] offset " + offset, expected, out, t);
    }
}
