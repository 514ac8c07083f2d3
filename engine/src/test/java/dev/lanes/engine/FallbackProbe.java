package dev.lanes.engine;

import dev.lanes.engine.pool.PoolShape;

/**
 * Run by {@link ScalarFallbackTest} in a JVM without {@code jdk.incubator.vector}: checks that the scalar
 * set is chosen and that a few kernels give the right answers, then prints OK. Exits non-zero otherwise.
 */
public final class FallbackProbe {
    private FallbackProbe() {}

    public static void main(String[] args) {
        check(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty(), "jdk.incubator.vector is in the boot layer");
        check(!Kernels.vectorized(), "Kernels.vectorized() is true without the Vector API");
        check(Kernels.vector().isEmpty(), "a Vector API set was built");

        // [2x3] * [3x2]
        float[] c = new float[4];
        Kernels.gemm().sgemm(false, false, 2, 2, 3, 1f, new float[]{1, 2, 3, 4, 5, 6}, 0, 3,
                new float[]{1, 0, 0, 1, 1, 1}, 0, 2, 0f, c, 0, 2);
        check(java.util.Arrays.equals(c, new float[]{4, 5, 10, 11}), "gemm gave " + java.util.Arrays.toString(c));

        float[] y = new float[4];
        Kernels.activation().reluForward(new float[]{-1, 2, -3, 4}, 0, y, 0, 4);
        check(java.util.Arrays.equals(y, new float[]{0, 2, 0, 4}), "relu gave " + java.util.Arrays.toString(y));

        float[] d = new float[2];
        float loss = Kernels.loss().softmaxCrossEntropy(1, 2, new float[]{0, 0}, 0, new int[]{1}, 0, 0f, d, 0);
        check(Math.abs(loss - Math.log(2)) < 1e-6 && Math.abs(d[0] - 0.5f) < 1e-6 && Math.abs(d[1] + 0.5f) < 1e-6,
                "softmax-CE gave " + loss + " " + java.util.Arrays.toString(d));

        float[] pooled = new float[1];
        Kernels.pooling().maxForward(PoolShape.of(1, 1, 2, 2, 2, 2, 0), new float[]{1, 4, 3, 2}, 0, pooled, 0, new int[1]);
        check(pooled[0] == 4f, "max pool gave " + pooled[0]);

        float[] bn = new float[4], mean = new float[1], inv = new float[1];
        Kernels.batchNorm().forwardTraining(1, 1, 4, new float[]{1, 2, 3, 4}, 0, new float[]{1}, new float[]{0}, 0f, 0.1f,
                new float[1], new float[]{1}, mean, inv, bn, 0);
        check(mean[0] == 2.5f && Math.abs(bn[0] + 1.3416407f) < 1e-5, "batch norm gave " + java.util.Arrays.toString(bn));
        System.out.println("OK " + Kernels.active().name());
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            System.out.println("NOT OK: " + failure);
            System.exit(1);
        }
    }
}
