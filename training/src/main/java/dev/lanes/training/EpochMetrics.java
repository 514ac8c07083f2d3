package dev.lanes.training;

/**
 * What one epoch produced. {@code epoch} is 1-based. {@code validation} is null when the trainer has no
 * validation set. {@code forwardFlops} and {@code trainFlops} are the work of the epoch's training steps by
 * the {@link Cost} model: the forward passes that ran, and those plus backward-data (only where dx is
 * needed) and backward-weights (only where parameters train); a cached prefix costs nothing. The loss and
 * optimizer (both O(params)) are not counted. Train loss/accuracy are running means over the epoch's
 * batches, in training mode.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, Evaluation validation,
                           double learningRate, double trainSeconds, double evalSeconds, long trainSamples,
                           long forwardFlops, long trainFlops) {
    public double valLoss() { return validation == null ? Double.NaN : validation.loss(); }

    public double valAccuracy() { return validation == null ? Double.NaN : validation.accuracy(); }

    /** Training throughput in images per second. */
    public double imagesPerSecond() { return trainSeconds > 0 ? trainSamples / trainSeconds : Double.NaN; }

    /** Achieved training GFLOPS by the cost model. */
    public double gflops() { return trainSeconds > 0 ? trainFlops / trainSeconds / 1e9 : Double.NaN; }

    /** As a JSON object (with per-class accuracy and the confusion matrix when validated). */
    public Json toJson() {
        Json j = Json.object()
                .put("epoch", epoch)
                .put("train_loss", trainLoss)
                .put("train_accuracy", trainAccuracy)
                .put("val_loss", valLoss())
                .put("val_accuracy", valAccuracy())
                .put("lr", learningRate)
                .put("train_seconds", trainSeconds)
                .put("eval_seconds", evalSeconds)
                .put("images_per_second", imagesPerSecond())
                .put("forward_flops", forwardFlops)
                .put("train_flops", trainFlops)
                .put("train_gflops", gflops());
        if (validation != null) {
            j.put("per_class_accuracy", validation.perClassAccuracy());
            j.put("confusion", validation.confusion());
        }
        return j;
    }
}
