package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import java.util.List;

/**
 * One arm's run for one seed: the final test accuracy, training seconds (evaluation excluded), FLOPs by the
 * cost model, parameter bytes of the saved model, the learning rate of the last step, and the test
 * accuracy after every epoch against the cumulative training seconds at that point, the process CPU seconds
 * of the training steps ({@link ProcessCpu}; NaN when not measured), what each method of the run
 * reported ({@link dev.lanes.training.TrainingMethod#summary}), and the final model's inference time per test batch
 * in ms (eval mode, {@link ExperimentRunner#inferenceMs}; NaN when not measured).
 */
public record RunResult(long seed, double testAccuracy, double trainSeconds, long forwardFlops, long trainFlops, long paramBytes,
                        double lastLearningRate, double[] seconds, double[] accuracy, double trainCpuSeconds, List<Object> methodSummaries,
                        double inferMs) {
    public RunResult {
        methodSummaries = List.copyOf(methodSummaries);
    }

    /** A run without a CPU-time or inference measurement or methods' summaries. */
    public RunResult(long seed, double testAccuracy, double trainSeconds, long forwardFlops, long trainFlops, long paramBytes,
                     double lastLearningRate, double[] seconds, double[] accuracy) {
        this(seed, testAccuracy, trainSeconds, forwardFlops, trainFlops, paramBytes, lastLearningRate, seconds, accuracy, Double.NaN, List.of(), Double.NaN);
    }

    /** Training seconds when the run first reached {@code target} test accuracy, NaN if it never did. */
    public double secondsTo(double target) {
        for (int i = 0; i < accuracy.length; i++) if (accuracy[i] >= target) return seconds[i];
        return Double.NaN;
    }

    public Json toJson() {
        return Json.object().put("seed", seed).put("test_accuracy", testAccuracy).put("train_seconds", trainSeconds)
                .put("forward_flops", forwardFlops).put("train_flops", trainFlops).put("param_bytes", paramBytes)
                .put("last_lr", lastLearningRate).put("epoch_seconds", seconds).put("epoch_test_accuracy", accuracy)
                .put("train_cpu_seconds", trainCpuSeconds).put("infer_ms", inferMs).put("methods", methodSummaries);
    }
}
