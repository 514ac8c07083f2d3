package dev.lanes.engine.loss;

/**
 * The scalar reference softmax and cross-entropy, row by row in double precision: subtract the row maximum,
 * exponentiate, normalise. The loss uses log-sum-exp, so it never takes the log of an underflowed p.
 */
public final class ScalarLoss implements LossKernels {
    @Override
    public float softmaxCrossEntropy(int n, int classes, float[] logits, int logitsOff, int[] labels, int labelsOff,
                                     float smoothing, float[] dlogits, int dlogitsOff) {
        LossChecks.crossEntropy(n, classes, logits, logitsOff, labels, labelsOff, smoothing, dlogits, dlogitsOff);
        if (n == 0) return 0f;
        double total = 0;
        for (int r = 0; r < n; r++) {
            total += rowCrossEntropy(n, classes, logits, logitsOff + r * classes, labels[labelsOff + r], smoothing,
                    dlogits, dlogitsOff + r * classes);
        }
        return (float) (total / n);
    }

    /**
     * The cross-entropy of one row, writing its gradient (divided by the batch size n) when dlogits is not
     * null. Also the Vector API twin's path for rows too short to fill vectors.
     */
    static double rowCrossEntropy(int n, int classes, float[] z, int row, int label, float smoothing, float[] dlogits, int d) {
        double other = (double) smoothing / classes, hit = 1.0 - smoothing + other;
        double max = Double.NEGATIVE_INFINITY, sumZ = 0;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, z[row + j]);
            sumZ += z[row + j];
        }
        double sumExp = 0;
        for (int j = 0; j < classes; j++) sumExp += Math.exp(z[row + j] - max);
        // -sum_j t_j log p_j with log p_j = z_j - lse and sum_j t_j = 1
        double loss = max + Math.log(sumExp) - (1.0 - smoothing) * z[row + label] - other * sumZ;
        if (dlogits != null) {
            for (int j = 0; j < classes; j++) {
                double p = Math.exp(z[row + j] - max) / sumExp;
                dlogits[d + j] = (float) ((p - (j == label ? hit : other)) / n);
            }
        }
        return loss;
    }

    @Override
    public float distillation(int n, int classes, float[] logits, int logitsOff, float[] teacher, int teacherOff, int[] labels, int labelsOff,
                              float temperature, float alpha, float[] dlogits, int dlogitsOff) {
        LossChecks.distillation(n, classes, logits, logitsOff, teacher, teacherOff, labels, labelsOff, temperature, alpha, dlogits, dlogitsOff);
        if (n == 0) return 0f;
        double total = 0;
        for (int r = 0; r < n; r++) {
            total += rowDistillation(n, classes, logits, logitsOff + r * classes, teacher, teacherOff + r * classes, labels[labelsOff + r],
                    temperature, alpha, dlogits, dlogitsOff + r * classes);
        }
        return (float) (total / n);
    }

    /**
     * The distillation loss of one row, writing its gradient (divided by n) when dlogits is not null; also the
     * Vector API twin's path for narrow rows. With u = s - max s and v = t - max t, softmax(s/T) = exp(u/T)/Zs and
     * softmax(t/T) = exp(v/T)/Zt, so KL = Σ exp(v/T)·(v - u)/T / Zt - log Zt + log Zs: no log of an underflowed p.
     */
    static double rowDistillation(int n, int classes, float[] s, int row, float[] t, int trow, int label, double temperature,
                                  double alpha, float[] dlogits, int d) {
        double ms = Double.NEGATIVE_INFINITY, mt = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            ms = Math.max(ms, s[row + j]);
            mt = Math.max(mt, t[trow + j]);
        }
        double invT = 1.0 / temperature, z1 = 0, zs = 0, zt = 0, cross = 0;
        for (int j = 0; j < classes; j++) {
            double u = s[row + j] - ms, v = t[trow + j] - mt, et = Math.exp(v * invT);
            z1 += Math.exp(u);
            zs += Math.exp(u * invT);
            zt += et;
            cross += et * (v - u);
        }
        double ce = Math.log(z1) - (s[row + label] - ms);
        double kl = cross * invT / zt - Math.log(zt) + Math.log(zs);
        if (dlogits != null) {
            double soft = alpha * temperature, hard = 1 - alpha;
            for (int j = 0; j < classes; j++) {
                double u = s[row + j] - ms;
                double g = soft * (Math.exp(u * invT) / zs - Math.exp((t[trow + j] - mt) * invT) / zt)
                        + hard * (Math.exp(u) / z1 - (j == label ? 1 : 0));
                dlogits[d + j] = (float) (g / n);
            }
        }
        return (1 - alpha) * ce + alpha * temperature * temperature * kl;
    }

    @Override
    public void softmax(int n, int classes, float[] x, int xOff, float[] y, int yOff) {
        LossChecks.softmax(n, classes, x, xOff, y, yOff);
        for (int r = 0; r < n; r++) rowSoftmax(classes, x, xOff + r * classes, y, yOff + r * classes);
    }

    /** Softmax of one row; the second exp pass keeps in-place use (y == x) correct without scratch. */
    static void rowSoftmax(int classes, float[] x, int in, float[] y, int out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) max = Math.max(max, x[in + j]);
        double sum = 0;
        for (int j = 0; j < classes; j++) sum += Math.exp(x[in + j] - max);
        for (int j = 0; j < classes; j++) y[out + j] = (float) (Math.exp(x[in + j] - max) / sum);
    }
}
