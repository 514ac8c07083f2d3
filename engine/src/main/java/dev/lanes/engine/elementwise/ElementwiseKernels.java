package dev.lanes.engine.elementwise;

/**
 * Element-wise arithmetic, reductions and the fused optimizer updates. Outputs may alias inputs.
 */
public interface ElementwiseKernels {
    /** y = a + b. */
    void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int count);

    /** y = a * b. */
    void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int count);

    /** y += alpha * x. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int count);

    /** x *= alpha. */
    void scale(float alpha, float[] x, int xOff, int count);

    /** Sum of x (accumulated in a fixed order, so the same input gives the same bits). */
    float sum(float[] x, int xOff, int count);

    /** Sum of squares of x. */
    float sumOfSquares(float[] x, int xOff, int count);

    /** Per-channel sum and sum of squares of NCHW data into {@code sum[c]} and {@code sumSq[c]} (overwritten). */
    void channelSumAndSquares(int n, int c, int hw, float[] x, int xOff, float[] sum, float[] sumSq);

    /**
     * One Adam step on {@code count} parameters. {@code l2} is added to the gradient (Adam + L2);
     * {@code decoupledDecay} multiplies the weight by {@code 1 - lr * decoupledDecay} first (AdamW).
     * {@code bc1 = 1 - beta1^t}, {@code bc2 = 1 - beta2^t}. The gradient array is not modified. A new
     * weight below {@link Subnormals#TINY_WEIGHT} in magnitude, and a subnormal m or v, is written as 0 (see there why).
     */
    void adamStep(float[] w, float[] g, float[] m, float[] v, int count, float lr, float beta1, float beta2,
                  float eps, float bc1, float bc2, float l2, float decoupledDecay);

    /**
     * One SGD step: g' = g + weightDecay * w; with momentum, buf = momentum * buf + g' and the update is buf
     * (or g' + momentum * buf with Nesterov); w -= lr * update. {@code buf} may be null when momentum is 0.
     * A new weight below {@link Subnormals#TINY_WEIGHT} in magnitude, and a subnormal buf value, is written as 0.
     */
    void sgdStep(float[] w, float[] g, float[] buf, int count, float lr, float momentum, float weightDecay, boolean nesterov);
}
