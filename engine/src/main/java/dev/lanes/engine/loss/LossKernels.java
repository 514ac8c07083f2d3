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

    /**
     * Mean over the batch of Hinton et al.'s distillation loss of student logits {@code s} against teacher logits
     * {@code t} (rows at {@code teacher[teacherOff ..]}, same layout) and hard labels, at temperature T and weight α:
     * {@code (1 - α)·CE(softmax(s), onehot(label)) + α·T²·KL(softmax(t/T) ‖ softmax(s/T))}. When {@code dlogits}
     * is not null it receives the gradient of that mean with respect to s:
     * {@code (α·T·(softmax(s/T) - softmax(t/T)) + (1 - α)·(softmax(s) - onehot)) / n}. T must be positive and
     * finite, α in [0, 1]; a label outside [0, classes) is an IllegalArgumentException naming the row.
     */
    float distillation(int n, int classes, float[] logits, int logitsOff, float[] teacher, int teacherOff, int[] labels, int labelsOff,
                       float temperature, float alpha, float[] dlogits, int dlogitsOff);

    /** y = softmax of each row of x. */
    void softmax(int n, int classes, float[] x, int xOff, float[] y, int yOff);
}
