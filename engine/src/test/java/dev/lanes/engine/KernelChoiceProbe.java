package dev.lanes.engine;

import dev.lanes.engine.pool.PoolShape;
import java.util.Optional;

/**
 * Run by {@link KernelChoiceTest} in a fresh JVM, on the class path or the module path, with or without
 * {@code jdk.incubator.vector}: checks that the expected kernel set was chosen, that the engine is (or is not)
 * a named module, and that a few kernels give the right answers; then prints {@code OK <set> <named|unnamed>}.
 * Exits non-zero otherwise.
 *
 * <p>Arguments: {@code vector} or {@code scalar} (the expected set), {@code named} or {@code unnamed}.
 */
public final class KernelChoiceProbe {
    private KernelChoiceProbe() {}

    public static void main(String[] args) {
        boolean expectVector = args[0].equals("vector"), expectNamed = args[1].equals("named");
        Module engine = Kernels.class.getModule();
        check(engine.isNamed() == expectNamed, "the engine's module is " + engine + ", expected it " + args[1]);
        Optional<Module> incubator = ModuleLayer.boot().findModule(Kernels.VECTOR_MODULE);
        check(incubator.isPresent() == expectVector, Kernels.VECTOR_MODULE + " present in the boot layer: " + incubator.isPresent());
        check(Kernels.vectorized() == expectVector, "Kernels.vectorized() is " + Kernels.vectorized() + " (set " + Kernels.active().name() + ")");
        check(Kernels.vector().isPresent() == expectVector, "a Vector API set built: " + Kernels.vector().isPresent());
        check(Kernels.active().name().startsWith(expectVector ? "vector-" : "scalar"), "the active set is " + Kernels.active().name());
        if (expectVector) check(engine.canRead(incubator.orElseThrow()), engine + " does not read " + Kernels.VECTOR_MODULE);

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
        System.out.println("OK " + Kernels.active().name() + " " + (engine.isNamed() ? "named" : "unnamed"));
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            System.out.println("NOT OK: " + failure);
            System.exit(1);
        }
    }
}
