package dev.lanes.engine.norm;

/**
 * Batch normalisation over NCHW data, per channel over the n·hw values of that channel. Per-channel arrays
 * (gamma, beta, running and saved statistics, their gradients) are indexed from 0 and hold {@code c} values.
 */
public interface BatchNormKernels {
    /**
     * Training mode: normalises with the batch mean and biased variance, writes {@code saveMean} and
     * {@code saveInvStd = 1/sqrt(var + eps)} for backward, and updates the running statistics as
     * {@code running = (1 - momentum) * running + momentum * batch}, the running variance with the unbiased
     * batch variance (as PyTorch does). y = gamma * (x - mean) * invStd + beta.
     */
    void forwardTraining(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta,
                         float eps, float momentum, float[] runningMean, float[] runningVar,
                         float[] saveMean, float[] saveInvStd, float[] y, int yOff);

    /** Inference mode: y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta. */
    void forwardInference(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta,
                          float[] runningMean, float[] runningVar, float eps, float[] y, int yOff);

    /**
     * Backward of training mode. dx is overwritten (skipped when null); dgamma and dbeta are accumulated
     * (skipped when null, as for a frozen layer).
     */
    void backward(int n, int c, int hw, float[] x, int xOff, float[] dy, int dyOff, float[] gamma,
                  float[] saveMean, float[] saveInvStd, float[] dx, int dxOff, float[] dgamma, float[] dbeta);
}
