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

    /** Odd class counts dominate (tails of every length), with wide rows past the vector path's threshold. */
    @Provide
    Arbitrary<Integer> oddClasses() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, 40).map(k -> 2 * k + 1)),
                Tuple.of(1, Arbitraries.of(2, 10, 32, 64)),
                Tuple.of(1, Arbitraries.integers().between(250, 1500).map(k -> 2 * k + 1)));
    }

    @Property(tries = 60)
    void distillationMatches(@ForAll @IntRange(min = 0, max = 200) int n, @ForAll("oddClasses") int classes,
                             @ForAll @FloatRange(min = 0.5f, max = 10f) float temperature, @ForAll @FloatRange(min = 0f, max = 1f) float alpha,
                             @ForAll boolean grad, @ForAll @FloatRange(min = 0.1f, max = 20f) float range, @ForAll long seed) {
        if ((long) n * classes > 150_000) return;
        float[] s = random(seed, n * classes + 3, range), t = random(seed + 1, n * classes + 2, range);
        int[] labels = new int[n + 1];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i <= n; i++) labels[i] = r.nextInt(classes);
        java.util.function.Function<LossKernels, float[]> run = k -> {
            float[] d = grad ? new float[n * classes + 1] : null;
            float loss = k.distillation(n, classes, s, 3, t, 2, labels, 1, temperature, alpha, d, 1);
            return concat(new float[]{loss}, grad ? d : new float[0]);
        };
        float[] expected = run.apply(scalar);
        float[][] v = deterministic("distillation", () -> run.apply(vector));
        // the loss is O(range·T); gradients are O(T)
        double tol = tol(classes) * 4 * Math.max(1, temperature);
        for (float[] out : v) assertClose("distillation n=" + n + " classes=" + classes + " T=" + temperature, expected, out, tol);
    }
}
