package dev.lanes.engine.loss;

import static dev.lanes.engine.KernelTesting.assertClose;
import static dev.lanes.engine.KernelTesting.concat;
import static dev.lanes.engine.KernelTesting.deterministic;
import static dev.lanes.engine.KernelTesting.random;
import static dev.lanes.engine.KernelTesting.tol;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/** {@link VectorLoss} against {@link ScalarLoss}, narrow and wide rows, with 1, 2, 3 and 5 threads. */
class VectorLossProperties {
    private final LossKernels vector = new VectorLoss();
    private final LossKernels scalar = new ScalarLoss();

    @Provide
    Arbitrary<Integer> classes() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 40)),
                Tuple.of(2, Arbitraries.of(1, 2, 10, 31, 32, 33, 100, 127, 1000)),
                Tuple.of(1, Arbitraries.integers().between(500, 3000)));
    }

    @Property(tries = 60)
    void crossEntropyAndSoftmaxMatch(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll("classes") int classes,
                                     @ForAll @FloatRange(min = 0f, max = 0.3f) float smoothing, @ForAll boolean grad,
                                     @ForAll @FloatRange(min = 0.1f, max = 30f) float range, @ForAll long seed) {
        if ((long) n * classes > 200_000) return;
        float[] z = random(seed, n * classes + 1, range);
        int[] labels = new int[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(classes);
        java.util.function.Function<LossKernels, float[]> run = k -> {
            float[] d = grad ? new float[n * classes] : null, p = new float[n * classes];
            float loss = k.softmaxCrossEntropy(n, classes, z, 1, labels, 0, smoothing, d, 0);
            k.softmax(n, classes, z, 1, p, 0);
            return concat(new float[]{loss}, grad ? d : new float[0], p);
        };
        float[] expected = run.apply(scalar);
        float[][] v = deterministic("softmax-CE", () -> run.apply(vector));
        // the loss is O(range); gradients and probabilities are O(1)
        for (float[] out : v) assertClose("softmax-CE n=" + n + " classes=" + classes, expected, out, tol(classes) * 4);
    }
}
