package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** BatchNorm2d, ReLU, the pools, Flatten and Dropout backward against central finite differences. */
class NormPoolActivationGradientProperties {
    private final GradCheck linear = new GradCheck(1e-2, 1e-2, 1e-3);
    // BN is non-linear through the batch statistics: a smaller step keeps the truncation error down
    private final GradCheck bn = new GradCheck(3e-3, 2e-2, 2e-3);

    private static BatchNorm2d randomBn(int c, SplittableRandom rng) {
        BatchNorm2d m = new BatchNorm2d(c);
        for (int i = 0; i < c; i++) {
            m.weight().value().data()[i] = (float) (0.5 + rng.nextDouble());
            m.bias().value().data()[i] = (float) (rng.nextDouble() - 0.5);
            m.runningMean().data()[i] = (float) (rng.nextDouble() - 0.5);
            m.runningVar().data()[i] = (float) (0.5 + rng.nextDouble());
        }
        return m;
    }

    @Property(tries = 40)
    void batchNormTrainingGradients(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 4) int c,
                                    @ForAll @IntRange(min = 2, max = 4) int h, @ForAll @IntRange(min = 2, max = 4) int w,
                                    @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        bn.checkModule(randomBn(c, rng), GradCheck.uniform(rng, 1, n, c, h, w), rng);
    }

    @Property(tries = 20)
    void batchNormEvalGradients(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 4) int c, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BatchNorm2d m = randomBn(c, rng);
        m.eval();
        linear.checkModule(m, GradCheck.uniform(rng, 1, n, c, 3, 2), rng);
    }

    @Property(tries = 20)
    void frozenBatchNormStillPassesCorrectDx(@ForAll @IntRange(min = 1, max = 4) int c, @ForAll boolean training, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BatchNorm2d m = randomBn(c, rng);
        m.setTrainable(false);
        m.setTraining(training);
        bn.checkModule(m, GradCheck.uniform(rng, 1, 2, c, 3, 3), rng); // fails if gamma/beta grads become non-zero
    }

    @Property(tries = 30)
    void reluGradients(@ForAll @IntRange(min = 1, max = 60) int size, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(2, size);
        // keep |x| >= 0.1 so a step of 1e-2 never crosses the kink at 0
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) ((0.1 + 0.9 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1));
        linear.checkModule(new ReLU(), x, rng);
    }

    @Property(tries = 40)
    void maxPoolGradients(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                          @ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 3) int stride,
                          @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll @IntRange(min = 3, max = 6) int h,
                          @ForAll @IntRange(min = 3, max = 6) int w, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int p = Math.min(pad, k / 2);
        linear.checkModule(new MaxPool2d(k, stride, p), distinct(rng, n, c, h, w), rng);
    }

    /** A shuffled ramp with gaps of 0.05, so no perturbation of 1e-2 changes which element wins a window. */
    static Tensor distinct(SplittableRandom rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (i - d.length / 2f) * 0.05f;
        for (int i = d.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float s = d[i];
            d[i] = d[j];
            d[j] = s;
        }
        return t;
    }

    @Property(tries = 30)
    void avgPoolGradients(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                          @ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 3) int stride,
                          @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        linear.checkModule(new AvgPool2d(k, stride, Math.min(pad, k / 2)), GradCheck.uniform(rng, 1, n, c, 5, 4), rng);
    }

    @Property(tries = 20)
    void globalAvgPoolGradients(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 4) int c,
                                @ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int w, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        linear.checkModule(new GlobalAvgPool(), GradCheck.uniform(rng, 1, n, c, h, w), rng);
    }

    /** Every size relation: H a multiple of OH (disjoint bins), not (overlapping bins), H < OH (repeated rows). */
    @Property(tries = 30)
    void adaptiveAvgPoolGradients(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                                  @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w,
                                  @ForAll @IntRange(min = 1, max = 5) int oh, @ForAll @IntRange(min = 1, max = 5) int ow, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        linear.checkModule(new AdaptiveAvgPool2d(oh, ow), GradCheck.uniform(rng, 1, n, c, h, w), rng);
    }

    @Property(tries = 5)
    void identityGradients(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        linear.checkModule(new Identity(), GradCheck.uniform(rng, 1, 2, 3, 4), rng);
    }

    @Property(tries = 10)
    void flattenGradients(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        linear.checkModule(new Flatten(), GradCheck.uniform(rng, 1, n, 2, 3, 2), rng);
    }

    @Property(tries = 20)
    void dropoutGradients(@ForAll @IntRange(min = 0, max = 8) int tenthsP, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Dropout d = new Dropout(tenthsP / 10f, seed);
        // the same mask for every evaluation of the loss
        linear.checkModule(d, GradCheck.uniform(rng, 1, 3, 17), rng, () -> d.reseed(seed));
    }
}
