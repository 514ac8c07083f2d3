package dev.lanes.nn.optim;

/**
 * PyTorch's optimizer formulas re-implemented in double precision, element by element, as the tests'
 * oracle (torch/optim/sgd.py, adam.py, adamw.py single-tensor paths, no amsgrad, no dampening).
 */
final class Reference {
    private Reference() {}

    /** torch.optim.SGD; {@code buf} is null before the first step and is returned updated. */
    static double[] sgd(double[] w, double[] g, double[] buf, double lr, double momentum, double wd, boolean nesterov) {
        double[] d = new double[w.length];
        for (int i = 0; i < w.length; i++) d[i] = g[i] + wd * w[i];
        if (momentum != 0) {
            if (buf == null) {
                buf = d.clone(); // torch: buf = clone(d_p) on the first step
            } else {
                for (int i = 0; i < w.length; i++) buf[i] = momentum * buf[i] + d[i];
            }
            for (int i = 0; i < w.length; i++) d[i] = nesterov ? d[i] + momentum * buf[i] : buf[i];
        }
        for (int i = 0; i < w.length; i++) w[i] -= lr * d[i];
        return buf;
    }

    /** torch.optim.Adam (decoupled = false, wd as L2) or torch.optim.AdamW (decoupled = true); t starts at 1. */
    static void adam(double[] w, double[] g, double[] m, double[] v, int t, double lr, double beta1, double beta2,
                     double eps, double wd, boolean decoupled) {
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        double stepSize = lr / bc1;
        for (int i = 0; i < w.length; i++) {
            double gi = g[i];
            if (decoupled) w[i] *= 1 - lr * wd;
            else gi += wd * w[i];
            m[i] = beta1 * m[i] + (1 - beta1) * gi;
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
            double denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + eps;
            w[i] -= stepSize * m[i] / denom;
        }
    }
}
