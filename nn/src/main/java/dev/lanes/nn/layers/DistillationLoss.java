package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;

/**
 * Hinton et al.'s knowledge-distillation loss over a batch: hard-label cross-entropy mixed with the KL
 * divergence from the teacher's softened outputs to the student's. One fused kernel pass gives the loss and
 * its gradient, which {@link #backward()} hands out.
 *
 * <pre>
 * logits, teacher, dlogits [N, K]   labels [N]
 * loss    = (1/N) Σ_n (1 − α)·CE(softmax(s_n), label_n) + α·T²·KL(softmax(t_n/T) ‖ softmax(s_n/T))
 * dlogits = (α·T·(softmax(s/T) − softmax(t/T)) + (1 − α)·(softmax(s) − onehot)) / N
 * </pre>
 * The T² keeps the soft term's gradient on the scale of the hard one's as T grows.
 */
public final class DistillationLoss {
    private final float temperature, alpha;
    private int[] shape;
    private Tensor dlogits;
    private boolean ready;

    public DistillationLoss(float temperature, float alpha) {
        if (!(temperature > 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("distillation temperature must be positive and finite but is " + temperature);
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("distillation alpha must be in [0, 1] but is " + alpha);
        this.temperature = temperature;
        this.alpha = alpha;
    }

    public float temperature() { return temperature; }

    public float alpha() { return alpha; }

    /**
     * The mean loss of {@code logits} [N, K] against the teacher's logits (N rows of K at {@code teacher[teacherOff ..]})
     * and {@code labels[labelsOff .. labelsOff + N)}; caches the gradient.
     */
    public float forward(Tensor logits, float[] teacher, int teacherOff, int[] labels, int labelsOff) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("DistillationLoss: logits shape " + Shapes.toString(logits.shape()) + " but expected [N, classes]");
        }
        int n = logits.dim(0), k = logits.dim(1);
        if (labelsOff < 0 || labelsOff + n > labels.length) {
            throw new IllegalArgumentException("DistillationLoss: " + n + " labels from offset " + labelsOff + " but the array has " + labels.length);
        }
        if (teacherOff < 0 || teacherOff + (long) n * k > teacher.length) {
            throw new IllegalArgumentException("DistillationLoss: logits " + Shapes.toString(logits.shape()) + " need " + n + "x" + k
                    + " teacher logits from offset " + teacherOff + " but the array has " + teacher.length);
        }
        if (shape == null || !logits.hasShape(shape)) {
            shape = logits.shape();
            dlogits = Buffers.resize(dlogits, shape);
        }
        float loss = Kernels.loss().distillation(n, k, logits.data(), logits.offset(), teacher, teacherOff, labels, labelsOff, temperature, alpha,
                dlogits.data(), dlogits.offset());
        ready = true;
        return loss;
    }

    /** dL/dlogits of the last forward; valid until the next forward. */
    public Tensor backward() {
        if (!ready) throw new IllegalStateException("DistillationLoss: backward called before forward");
        return dlogits;
    }
}
