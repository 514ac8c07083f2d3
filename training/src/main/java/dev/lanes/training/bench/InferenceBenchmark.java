package dev.lanes.training.bench;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Inference throughput: forward passes in eval mode on one fixed random batch, images per second as the
 * median over rounds. Several models are timed round-robin — round r times every model once, in an order
 * that rotates — so that a shared machine's drift and bursts hit them alike and their ratio means something.
 */
public final class InferenceBenchmark {
    /** Warm-up per model at least this long (and 10 passes), so that C2 has compiled the forward paths. */
    public static final long MIN_WARMUP_NANOS = 2_000_000_000L;

    private InferenceBenchmark() {}

    /** One model's result: median and best images/s over the rounds, each round {@code passes} forwards. */
    public record Result(int batch, int rounds, int passes, double medianImagesPerSecond, double bestImagesPerSecond) {
        public double medianMillisPerBatch() { return batch * 1000.0 / medianImagesPerSecond; }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "batch %d: median %.0f images/s (%.2f ms/batch), best %.0f, %d rounds of %d passes", batch,
                    medianImagesPerSecond, medianMillisPerBatch(), bestImagesPerSecond, rounds, passes);
        }
    }

    /**
     * Times each model on a batch of {@code batch} Gaussian images of shape {@code imageShape} ([C, H, W]):
     * warm-up, then {@code rounds} rounds of {@code passes} forward passes per model, round-robin. The models'
     * training/eval modes are restored.
     */
    public static List<Result> compare(List<Module> models, int[] imageShape, int batch, int rounds, int passes) {
        if (models.isEmpty() || batch < 1 || rounds < 1 || passes < 1 || imageShape.length != 3)
            throw new IllegalArgumentException("inference benchmark: need models, batch, rounds, passes >= 1 and a [C, H, W] shape, got "
                    + models.size() + " models, batch " + batch + ", " + rounds + " rounds, " + passes + " passes, shape " + Arrays.toString(imageShape));
        Tensor x = Tensor.zeros(batch, imageShape[0], imageShape[1], imageShape[2]);
        SplittableRandom r = new SplittableRandom(42);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        int n = models.size();
        boolean[] wasTraining = new boolean[n];
        double[][] ips = new double[n][rounds];
        double sink = 0;
        try {
            for (int m = 0; m < n; m++) {
                wasTraining[m] = models.get(m).isTraining();
                models.get(m).eval();
                long start = System.nanoTime();
                for (int i = 0; i < 10 || System.nanoTime() - start < MIN_WARMUP_NANOS; i++) sink += models.get(m).forward(x).data()[0];
            }
            for (int round = 0; round < rounds; round++)
                for (int k = 0; k < n; k++) {
                    int m = (round + k) % n;
                    long t0 = System.nanoTime();
                    for (int p = 0; p < passes; p++) sink += models.get(m).forward(x).data()[0];
                    ips[m][round] = (double) batch * passes / ((System.nanoTime() - t0) / 1e9);
                }
        } finally {
            for (int m = 0; m < n; m++) models.get(m).setTraining(wasTraining[m]);
        }
        if (Double.isNaN(sink)) throw new IllegalStateException("inference benchmark: a model produced NaN");
        Result[] out = new Result[n];
        for (int m = 0; m < n; m++) {
            double[] v = ips[m].clone();
            Arrays.sort(v);
            out[m] = new Result(batch, rounds, passes, v[rounds / 2], v[rounds - 1]);
        }
        return List.of(out);
    }

    /** {@link #compare} of one model. */
    public static Result run(Module model, int[] imageShape, int batch, int rounds, int passes) {
        return compare(List.of(model), imageShape, batch, rounds, passes).get(0);
    }
}
