package dev.lanes.engine.norm;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.VectorSums;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API batch norm, split over channels (each channel reduced by one thread in plane order, so results
 * do not depend on the thread count). Training forward reads x twice: one pass for the sum and sum of squares
 * of (x - x0), shifted by the channel's first value so that E[d²] - E[d]² does not cancel catastrophically,
 * and one pass for y. Backward reads twice: sum(dy) and sum(dy·xhat), then dx. Sums are float lanes within a
 * plane and double across planes.
 */
public final class VectorBatchNorm implements BatchNormKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Floats per chunk below which a thread is not worth waking. */
    private static final int GRAIN = 1 << 14;

    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);

    /** The arguments of one call, reused so that dispatch allocates nothing (see {@link LoopTask}). */
    private static final class Task extends LoopTask {
        private static final int TRAINING = 0, INFERENCE = 1, BACKWARD = 2;
        private int op, n, c, hw, xOff, yOff, dyOff, dxOff;
        private float eps, momentum;
        private float[] x, gamma, beta, runningMean, runningVar, saveMean, saveInvStd, y, dy, dx, dgamma, dbeta;

        private Task common(int op, int n, int c, int hw, float[] x, int xOff, float[] gamma) {
            this.op = op; this.n = n; this.c = c; this.hw = hw; this.x = x; this.xOff = xOff; this.gamma = gamma;
            return this;
        }

        Task training(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta, float eps, float momentum,
                      float[] runningMean, float[] runningVar, float[] saveMean, float[] saveInvStd, float[] y, int yOff) {
            this.beta = beta; this.eps = eps; this.momentum = momentum; this.runningMean = runningMean;
            this.runningVar = runningVar; this.saveMean = saveMean; this.saveInvStd = saveInvStd; this.y = y; this.yOff = yOff;
            return common(TRAINING, n, c, hw, x, xOff, gamma);
        }

        Task inference(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta,
                       float[] runningMean, float[] runningVar, float eps, float[] y, int yOff) {
            this.beta = beta; this.runningMean = runningMean; this.runningVar = runningVar; this.eps = eps;
            this.y = y; this.yOff = yOff;
            return common(INFERENCE, n, c, hw, x, xOff, gamma);
        }

        Task backward(int n, int c, int hw, float[] x, int xOff, float[] dy, int dyOff, float[] gamma,
                      float[] saveMean, float[] saveInvStd, float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
            this.dy = dy; this.dyOff = dyOff; this.saveMean = saveMean; this.saveInvStd = saveInvStd;
            this.dx = dx; this.dxOff = dxOff; this.dgamma = dgamma; this.dbeta = dbeta;
            return common(BACKWARD, n, c, hw, x, xOff, gamma);
        }

        @Override
        public void run(int chunk, int from, int to) {
            switch (op) {
                case TRAINING -> trainingChannels(from, to);
                case INFERENCE -> inferencePlanes(from, to);
                default -> backwardChannels(from, to);
            }
        }

        @Override
        protected void clear() {
            x = gamma = beta = runningMean = runningVar = saveMean = saveInvStd = y = dy = dx = dgamma = dbeta = null;
        }

        private void trainingChannels(int from, int to) {
            long m = (long) n * hw;
            for (int ch = from; ch < to; ch++) {
                float shift = x[xOff + ch * hw];
                double sum = 0, sumSq = 0;
                for (int b = 0; b < n; b++) {
                    int base = xOff + (b * c + ch) * hw, i = 0;
                    FloatVector s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
                    for (int bound = S.loopBound(hw); i < bound; i += L) {
                        FloatVector d = FloatVector.fromArray(S, x, base + i).sub(shift);
                        s1 = s1.add(d);
                        s2 = d.fma(d, s2);
                    }
                    sum += VectorSums.sum(s1);
                    sumSq += VectorSums.sum(s2);
                    for (; i < hw; i++) {
                        double d = x[base + i] - shift;
                        sum += d;
                        sumSq += d * d;
                    }
                }
                double meanD = sum / m, var = Math.max(0.0, sumSq / m - meanD * meanD), mean = shift + meanD;
                float invStd = (float) (1.0 / Math.sqrt(var + eps));
                saveMean[ch] = (float) mean;
                saveInvStd[ch] = invStd;
                runningMean[ch] = (float) ((1.0 - momentum) * runningMean[ch] + momentum * mean);
                runningVar[ch] = (float) ((1.0 - momentum) * runningVar[ch] + momentum * (var * m / (m - 1)));
                for (int b = 0; b < n; b++) {
                    int off = (b * c + ch) * hw;
                    normalise(x, xOff + off, y, yOff + off, hw, (float) mean, gamma[ch] * invStd, beta[ch]);
                }
            }
        }

        private void inferencePlanes(int from, int to) {
            for (int plane = from; plane < to; plane++) {
                int ch = plane % c;
                float scale = (float) (gamma[ch] / Math.sqrt((double) runningVar[ch] + eps));
                normalise(x, xOff + plane * hw, y, yOff + plane * hw, hw, runningMean[ch], scale, beta[ch]);
            }
        }

        private void backwardChannels(int from, int to) {
            long m = (long) n * hw;
            for (int ch = from; ch < to; ch++) {
                float mean = saveMean[ch], invStd = saveInvStd[ch];
                double sumDy = 0, sumDyXhat = 0;
                for (int b = 0; b < n; b++) {
                    int off = (b * c + ch) * hw, i = 0;
                    FloatVector s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
                    for (int bound = S.loopBound(hw); i < bound; i += L) {
                        FloatVector g = FloatVector.fromArray(S, dy, dyOff + off + i);
                        FloatVector xhat = FloatVector.fromArray(S, x, xOff + off + i).sub(mean).mul(invStd);
                        s1 = s1.add(g);
                        s2 = g.fma(xhat, s2);
                    }
                    sumDy += VectorSums.sum(s1);
                    sumDyXhat += VectorSums.sum(s2);
                    for (; i < hw; i++) {
                        float g = dy[dyOff + off + i];
                        sumDy += g;
                        sumDyXhat += g * ((x[xOff + off + i] - mean) * invStd);
                    }
                }
                if (dbeta != null) dbeta[ch] += (float) sumDy;
                if (dgamma != null) dgamma[ch] += (float) sumDyXhat;
                if (dx == null || m == 0) continue;
                float k = gamma[ch] * invStd, meanDy = (float) (sumDy / m), meanDyXhat = (float) (sumDyXhat / m);
                for (int b = 0; b < n; b++) {
                    int off = (b * c + ch) * hw, i = 0;
                    for (int bound = S.loopBound(hw); i < bound; i += L) {
                        FloatVector xhat = FloatVector.fromArray(S, x, xOff + off + i).sub(mean).mul(invStd);
                        FloatVector.fromArray(S, dy, dyOff + off + i).sub(meanDy).sub(xhat.mul(meanDyXhat)).mul(k)
                                .intoArray(dx, dxOff + off + i);
                    }
                    for (; i < hw; i++) {
                        float xhat = (x[xOff + off + i] - mean) * invStd;
                        dx[dxOff + off + i] = k * (dy[dyOff + off + i] - meanDy - xhat * meanDyXhat);
                    }
                }
            }
        }
    }

    private static int channelGrain(int n, int hw) {
        return Math.max(1, GRAIN / Math.max(1, n * hw));
    }

    @Override
    public void forwardTraining(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta,
                                float eps, float momentum, float[] runningMean, float[] runningVar,
                                float[] saveMean, float[] saveInvStd, float[] y, int yOff) {
        NormChecks.training(n, c, hw, x, xOff, gamma, beta, eps, momentum, runningMean, runningVar, saveMean, saveInvStd, y, yOff);
        TASKS.acquire().training(n, c, hw, x, xOff, gamma, beta, eps, momentum, runningMean, runningVar, saveMean, saveInvStd, y, yOff)
                .forRange(c, channelGrain(n, hw));
    }

    /** y = (x - mean) * scale + shift over {@code len} floats. */
    private static void normalise(float[] x, int xo, float[] y, int yo, int len, float mean, float scale, float shift) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).sub(mean).mul(scale).add(shift).intoArray(y, yo + i);
        }
        for (; i < len; i++) y[yo + i] = (x[xo + i] - mean) * scale + shift;
    }

    @Override
    public void forwardInference(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta,
                                 float[] runningMean, float[] runningVar, float eps, float[] y, int yOff) {
        NormChecks.inference(n, c, hw, x, xOff, gamma, beta, runningMean, runningVar, eps, y, yOff);
        // no reduction here, so split over planes rather than channels
        TASKS.acquire().inference(n, c, hw, x, xOff, gamma, beta, runningMean, runningVar, eps, y, yOff)
                .forRange(n * c, Math.max(1, GRAIN / Math.max(1, hw)));
    }

    @Override
    public void backward(int n, int c, int hw, float[] x, int xOff, float[] dy, int dyOff, float[] gamma,
                         float[] saveMean, float[] saveInvStd, float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        NormChecks.backward(n, c, hw, x, xOff, dy, dyOff, gamma, saveMean, saveInvStd, dx, dxOff, dgamma, dbeta);
        TASKS.acquire().backward(n, c, hw, x, xOff, dy, dyOff, gamma, saveMean, saveInvStd, dx, dxOff, dgamma, dbeta)
                .forRange(c, channelGrain(n, hw));
    }
}
