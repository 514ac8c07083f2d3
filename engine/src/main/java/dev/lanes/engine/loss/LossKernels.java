package dev.lanes.engine.loss;

/** Numerically stable softmax and softmax cross-entropy over rows of logits [n, classes]. */
public interface LossKernels {
    /**
     * Mean over the batch of the cross-entropy between softmax(logits) and the target distribution
     * {@code (1 - smoothing) * onehot(label) + smoothing / classes}. When {@code dlogits} is not null it
     * receives the gradient of that mean: (softmax - target) / n. A label outside [0, classes) is an
     * IllegalArgumentException naming the row.
     */
    float softmaxCrossEntropy(int n, int classes, float[] logits, int logitsOff, int[] labels, int labelsOff,
                              float smoothing, float[] dlogits, int dlogitsOff);

    /** y = softmax of each row of x. */
    void softmax(int n, int classes, float[] x, int xOff, float[] y, int yOff);
}
