package dev.lanes.engine.activation;

/** Element-wise activations. In-place use (same array and offset for input and output) is allowed. */
public interface ActivationKernels {
    /** y = max(x, 0). */
    void reluForward(float[] x, int xOff, float[] y, int yOff, int count);

    /** dx = y > 0 ? dy : 0, from the forward output y (so it also works after an in-place forward). */
    void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int count);

    /** Fused per-channel bias and ReLU over NCHW data: y = max(x + bias[channel], 0). */
    void biasReluForward(int n, int c, int hw, float[] x, int xOff, float[] bias, float[] y, int yOff);
}
