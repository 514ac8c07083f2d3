package dev.lanes.engine.norm;

/**
 * The scalar reference batch norm: per channel, statistics in double (mean first, then the variance as the
 * mean squared deviation, which cannot go negative), then one pass for the output.
 */
public final class ScalarBatchNorm implements BatchNormKernels {
    @Override
    public void forwardTraining(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta,
                                float eps, float momentum, float[] runningMean, float[] runningVar,
                                float[] saveMean, float[] saveInvStd, float[] y, int yOff) {
        NormChecks.training(n, c, hw, x, xOff, gamma, beta, eps, momentum, runningMean, runningVar, saveMean, saveInvStd, y, yOff);
        long m = (long) n * hw;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                int base = xOff + (b * c + ch) * hw;
                for (int i = 0; i < hw; i++) sum += x[base + i];
            }
            double mean = sum / m, sq = 0;
            for (int b = 0; b < n; b++) {
                int base = xOff + (b * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    double d = x[base + i] - mean;
                    sq += d * d;
                }
            }
            double var = sq / m;
            float invStd = (float) (1.0 / Math.sqrt(var + eps));
            saveMean[ch] = (float) mean;
            saveInvStd[ch] = invStd;
            runningMean[ch] = (float) ((1.0 - momentum) * runningMean[ch] + momentum * mean);
            runningVar[ch] = (float) ((1.0 - momentum) * runningVar[ch] + momentum * (sq / (m - 1)));
            normalise(n, c, hw, ch, x, xOff, (float) mean, gamma[ch] * invStd, beta[ch], y, yOff);
        }
    }

    @Override
    public void forwardInference(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta,
                                 float[] runningMean, float[] runningVar, float eps, float[] y, int yOff) {
        NormChecks.inference(n, c, hw, x, xOff, gamma, beta, runningMean, runningVar, eps, y, yOff);
        for (int ch = 0; ch < c; ch++) {
            float scale = (float) (gamma[ch] / Math.sqrt((double) runningVar[ch] + eps));
            normalise(n, c, hw, ch, x, xOff, runningMean[ch], scale, beta[ch], y, yOff);
        }
    }

    /** y = (x - mean) * scale + shift over one channel. */
    private static void normalise(int n, int c, int hw, int ch, float[] x, int xOff, float mean, float scale, float shift,
                                  float[] y, int yOff) {
        for (int b = 0; b < n; b++) {
            int off = (b * c + ch) * hw;
            for (int i = 0; i < hw; i++) y[yOff + off + i] = (x[xOff + off + i] - mean) * scale + shift;
        }
    }

    @Override
    public void backward(int n, int c, int hw, float[] x, int xOff, float[] dy, int dyOff, float[] gamma,
                         float[] saveMean, float[] saveInvStd, float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        NormChecks.backward(n, c, hw, x, xOff, dy, dyOff, gamma, saveMean, saveInvStd, dx, dxOff, dgamma, dbeta);
        long m = (long) n * hw;
        for (int ch = 0; ch < c; ch++) {
            float mean = saveMean[ch], invStd = saveInvStd[ch];
            double sumDy = 0, sumDyXhat = 0;
            for (int b = 0; b < n; b++) {
                int off = (b * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    float g = dy[dyOff + off + i];
                    sumDy += g;
                    sumDyXhat += g * ((x[xOff + off + i] - mean) * invStd);
                }
            }
            if (dbeta != null) dbeta[ch] += (float) sumDy;
            if (dgamma != null) dgamma[ch] += (float) sumDyXhat;
            if (dx == null || m == 0) continue;
            // dx = gamma*invStd * (dy - mean(dy) - xhat * mean(dy*xhat))
            float k = gamma[ch] * invStd, meanDy = (float) (sumDy / m), meanDyXhat = (float) (sumDyXhat / m);
            for (int b = 0; b < n; b++) {
                int off = (b * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    float xhat = (x[xOff + off + i] - mean) * invStd;
                    dx[dxOff + off + i] = k * (dy[dyOff + off + i] - meanDy - xhat * meanDyXhat);
                }
            }
        }
    }
}
