package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;

/**
 * Mean softmax cross-entropy over a batch of logits, with optional label smoothing. One fused kernel pass
 * gives both the loss and its gradient, which {@link #backward()} hands out.
 *
 * <pre>
 * logits, dlogits [N, K]   labels [N]
 * loss     = −(1/N) Σ_n Σ_k t[n][k] · log softmax(logits[n])[k],  t = (1 − ε)·onehot + ε/K
 * dlogits  = (softmax(logits) − t) / N
 * </pre>
 */
public final class SoftmaxCrossEntropy {
    private final float smoothing;
    private int[] shape;
    private Tensor dlogits;
    private boolean ready;

    public SoftmaxCrossEntropy(float smoothing) {
        if (!(smoothing >= 0 && smoothing < 1)) throw new IllegalArgumentException("label smoothing must be in [0, 1) but is " + smoothing);
        this.smoothing = smoothing;
    }

    public SoftmaxCrossEntropy() {
        this(0f);
    }

    public float smoothing() { return smoothing; }

    /** The mean loss of {@code logits} [N, K] against {@code labels[0 .. N)}; caches the gradient. */
    public float forward(Tensor logits, int[] labels) {
        if (labels.length != (logits.rank() == 2 ? logits.dim(0) : -1)) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: logits " + Shapes.toString(logits.shape()) + " need "
                    + (logits.rank() == 2 ? logits.dim(0) : "N") + " labels but got " + labels.length);
        }
        return forward(logits, labels, 0);
    }

    /** As {@link #forward(Tensor, int[])} with the labels read from {@code labels[offset .. offset + N)}. */
    public float forward(Tensor logits, int[] labels, int offset) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: logits shape " + Shapes.toString(logits.shape()) + " but expected [N, classes]");
        }
        int n = logits.dim(0), k = logits.dim(1);
        if (offset < 0 || offset + n > labels.length) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: " + n + " labels from offset " + offset + " but the array has " + labels.length);
        }
        if (shape == null || !logits.hasShape(shape)) {
            shape = logits.shape();
            dlogits = Buffers.resize(dlogits, shape);
        }
        float loss = Kernels.loss().softmaxCrossEntropy(n, k, logits.data(), logits.offset(), labels, offset, smoothing,
                dlogits.data(), dlogits.offset());
        ready = true;
        return loss;
    }

    /** dL/dlogits of the last forward; valid until the next forward. */
    public Tensor backward() {
        if (!ready) throw new IllegalStateException("SoftmaxCrossEntropy: backward called before forward");
        return dlogits;
    }

    /** How many rows of {@code logits} [N, K] have their largest entry at {@code labels[offset + n]}. */
    public static int correct(Tensor logits, int[] labels, int offset) {
        int n = logits.dim(0);
        if (offset < 0 || offset + n > labels.length) {
            throw new IllegalArgumentException("correct: " + n + " labels from offset " + offset + " but the array has " + labels.length);
        }
        int hits = 0;
        for (int i = 0; i < n; i++) if (logits.argmax(i) == labels[offset + i]) hits++;
        return hits;
    }

    /** Fraction of rows whose arg-max is the label. */
    public static float accuracy(Tensor logits, int[] labels) {
        return logits.dim(0) == 0 ? 0f : (float) correct(logits, labels, 0) / logits.dim(0);
    }
}
