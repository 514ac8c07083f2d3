package dev.lanes.training.sparsity;

import dev.lanes.nn.Module;
import dev.lanes.training.Json;
import dev.lanes.training.bench.InferenceBenchmark;
import dev.lanes.training.data.DataLoader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole of pruning a trained model by its implicit sparsity, measured: the analysis over the training
 * data, fold and prune, the pruned model's outputs against the original's on the test data, sizes and FLOPs
 * per image, and batch inference speed of the original, the folded-only and the pruned model, timed
 * round-robin ({@link InferenceBenchmark#compare}).
 */
public record PruneMeasurement(FilterPruning.Result pruning, SparsityReport report, long paramsBefore, long paramsAfter, long flopsBefore,
                               long flopsAfter, OutputComparison comparison, List<InferenceBenchmark.Result> speed) {
    /** Runs it all; {@code imageShape} is [C, H, W], loaders unshuffled. */
    public static PruneMeasurement of(Module model, int[] imageShape, DataLoader train, DataLoader test, int batch, int rounds) {
        SparsityReport report = SparsityAnalysis.over(model, train);
        int[] input = {1, imageShape[0], imageShape[1], imageShape[2]};
        FilterPruning.Result p = FilterPruning.prune(model, input, report);
        OutputComparison cmp = OutputComparison.of(model, p.pruned(), test);
        List<InferenceBenchmark.Result> speed = InferenceBenchmark.compare(List.of(model, p.folded(), p.pruned()), imageShape, batch, rounds, 10);
        return new PruneMeasurement(p, report, model.parameterCount(), p.pruned().parameterCount(), model.flops(input), p.pruned().flops(input), cmp, speed);
    }

    /** Pruned over original images/s. */
    public double speedup() { return speed.get(2).medianImagesPerSecond() / speed.get(0).medianImagesPerSecond(); }

    /** Folded-only over original images/s: what BN folding alone gives. */
    public double foldedSpeedup() { return speed.get(1).medianImagesPerSecond() / speed.get(0).medianImagesPerSecond(); }

    /** Filters removed over conv filters before. */
    public double removedFraction() { return (double) pruning.removed() / pruning.filtersBefore(); }

    public Json toJson() {
        Map<String, Object> removed = new LinkedHashMap<>();
        pruning.removedByGroup().forEach((g, c) -> removed.put(Integer.toString(g), c));
        return Json.object().put("filters_before", pruning.filtersBefore()).put("filters_after", pruning.filtersAfter())
                .put("removed_fraction", removedFraction()).put("removed_by_group", removed)
                .put("dead_fraction", report.deadFraction()).put("params_before", paramsBefore).put("params_after", paramsAfter)
                .put("flops_before", flopsBefore).put("flops_after", flopsAfter).put("test_images", comparison.images())
                .put("max_abs_diff", comparison.maxAbsDiff()).put("prediction_agreement", comparison.agreement())
                .put("accuracy_before", comparison.accuracyA()).put("accuracy_after", comparison.accuracyB())
                .put("batch", speed.get(0).batch())
                .put("images_per_second", Json.object().put("original", speed.get(0).medianImagesPerSecond())
                        .put("folded", speed.get(1).medianImagesPerSecond()).put("pruned", speed.get(2).medianImagesPerSecond()))
                .put("inference_speedup", speedup()).put("folding_speedup", foldedSpeedup());
    }
}
