package dev.lanes.engine.conv;

/**
 * 2-D convolution (cross-correlation, as in every DL framework) over NCHW batches, weights
 * [outChannels, inChannels, kernelH, kernelW]. Output and input gradients are overwritten; weight and bias
 * gradients are accumulated (+=), so gradients of shared parameters and of several batches add up.
 */
public interface ConvKernels {
    /** y = conv(x, w) + bias; {@code bias} may be null. */
    void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y, int yOff);

    /** dx = the gradient of the loss with respect to x, given dy. */
    void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff);

    /** dw += dL/dw; dbias += dL/dbias (skipped when {@code dbias} is null). */
    void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff, float[] dbias);
}
