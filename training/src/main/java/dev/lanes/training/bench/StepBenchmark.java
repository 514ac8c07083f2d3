package dev.lanes.training.bench;

import dev.lanes.engine.Parallel;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.zoo.Zoo;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times full training steps — forward, softmax cross-entropy, backward, Adam update — on random data, for
 * {@code lanes bench step} and the JMH benchmarks ({@link Step} is the unit of work they call). MNIST-sized
 * models (lenet5, small-cnn) get 1x28x28 inputs, the others CIFAR-sized 3x32x32. GFLOPS uses the trainer's
 * estimate of 3 x forward FLOPs per step.
 */
public final class StepBenchmark {
    private static final int NUM_CLASSES = 10;

    private StepBenchmark() {}

    public record Result(String model, int batch, int threads, int steps, double medianMillis, double bestMillis,
                         long flopsPerStep) {
        public double gflops() { return flopsPerStep / (medianMillis * 1e6); }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"benchmark\": \"step\", \"model\": \"%s\", \"batch\": %d, \"threads\": %d, \"steps\": %d, "
                    + "\"median_ms\": %.3f, \"best_ms\": %.3f, \"gflops\": %.3f, \"images_per_second\": %.1f}",
                    model, batch, threads, steps, medianMillis, bestMillis, gflops(), batch * 1000.0 / medianMillis);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "step %s batch=%d threads=%d: median %.2f ms/step (best %.2f), %.2f GFLOPS, %.0f img/s, %d steps",
                    model, batch, threads, medianMillis, bestMillis, gflops(), batch * 1000.0 / medianMillis, steps);
        }
    }

    /** The input shape {@code [C, H, W]} used for a zoo model. */
    public static int[] inputShape(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        return m.startsWith("lenet") || m.startsWith("small") ? new int[] {1, 28, 28} : new int[] {3, 32, 32};
    }

    /** One model with a fixed random batch, ready to run training steps. */
    public static final class Step {
        private final Module model;
        private final Adam optimizer;
        private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        private final Tensor x;
        private final int[] labels;
        public final long flops;

        public Step(String modelName, int batch, long seed) {
            int[] s = inputShape(modelName);
            this.model = Zoo.create(modelName, s[0], s[1], s[2], NUM_CLASSES, seed);
            this.optimizer = new Adam(model.namedParameters(), 1e-3f);
            this.x = Tensor.zeros(batch, s[0], s[1], s[2]);
            this.labels = new int[batch];
            SplittableRandom r = new SplittableRandom(seed);
            float[] d = x.data();
            for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
            for (int i = 0; i < batch; i++) labels[i] = r.nextInt(NUM_CLASSES);
            this.flops = 3 * model.flops(x.shape());
            model.train();
        }

        /** One training step; returns the loss so callers can consume it. */
        public float run() {
            optimizer.zeroGrad();
            Tensor logits = model.forward(x);
            float l = loss.forward(logits, labels, 0);
            model.backward(loss.backward(), false);
            optimizer.step();
            return l;
        }

        public Module model() { return model; }
    }

    /** Warm-up runs at least this long as well, so that C2 has compiled the Vector API paths before timing. */
    private static final long MIN_WARMUP_NANOS = 4_000_000_000L;

    /**
     * Warms up for {@code warmup} steps and at least {@link #MIN_WARMUP_NANOS}, then times {@code steps}
     * steps with {@code threads} threads.
     */
    public static Result run(String model, int batch, int threads, int warmup, int steps) {
        if (batch < 1 || threads < 1 || warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("step benchmark: need batch, threads, steps >= 1 and warmup >= 0");
        }
        int previous = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Step step = new Step(model, batch, 42);
            float sink = 0;
            long warmStart = System.nanoTime();
            for (int i = 0; i < warmup || System.nanoTime() - warmStart < MIN_WARMUP_NANOS; i++) sink += step.run();
            long[] t = new long[steps];
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                sink += step.run();
                t[i] = System.nanoTime() - t0;
            }
            if (Float.isNaN(sink)) throw new IllegalStateException("step benchmark: loss became NaN");
            Arrays.sort(t);
            return new Result(model, batch, threads, steps, t[steps / 2] / 1e6, t[0] / 1e6, step.flops);
        } finally {
            Parallel.setThreads(previous);
        }
    }
}
