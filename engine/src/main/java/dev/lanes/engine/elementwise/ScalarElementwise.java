package dev.lanes.engine.elementwise;

/**
 * The scalar reference element-wise kernels: plain loops, sums in double. The optimizer steps do each
 * float operation in the same order as the Vector API twin, so the two agree to the bit.
 */
public final class ScalarElementwise implements ElementwiseKernels {
    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int count) {
        ElementwiseChecks.binary("add", a, aOff, b, bOff, y, yOff, count);
        for (int i = 0; i < count; i++) y[yOff + i] = a[aOff + i] + b[bOff + i];
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int count) {
        ElementwiseChecks.binary("mul", a, aOff, b, bOff, y, yOff, count);
        for (int i = 0; i < count; i++) y[yOff + i] = a[aOff + i] * b[bOff + i];
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int count) {
        ElementwiseChecks.count("axpy", count);
        ElementwiseChecks.range("axpy", "x", x, xOff, count);
        ElementwiseChecks.range("axpy", "y", y, yOff, count);
        for (int i = 0; i < count; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, int count) {
        ElementwiseChecks.count("scale", count);
        ElementwiseChecks.range("scale", "x", x, xOff, count);
        for (int i = 0; i < count; i++) x[xOff + i] *= alpha;
    }

    @Override
    public float sum(float[] x, int xOff, int count) {
        ElementwiseChecks.count("sum", count);
        ElementwiseChecks.range("sum", "x", x, xOff, count);
        double s = 0;
        for (int i = 0; i < count; i++) s += x[xOff + i];
        return (float) s;
    }

    @Override
    public float sumOfSquares(float[] x, int xOff, int count) {
        ElementwiseChecks.count("sumOfSquares", count);
        ElementwiseChecks.range("sumOfSquares", "x", x, xOff, count);
        double s = 0;
        for (int i = 0; i < count; i++) {
            double v = x[xOff + i];
            s += v * v;
        }
        return (float) s;
    }

    @Override
    public void channelSumAndSquares(int n, int c, int hw, float[] x, int xOff, float[] sum, float[] sumSq) {
        ElementwiseChecks.channels(n, c, hw, x, xOff, sum, sumSq);
        for (int ch = 0; ch < c; ch++) {
            double s = 0, s2 = 0;
            for (int b = 0; b < n; b++) {
                int base = xOff + (b * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    double v = x[base + i];
                    s += v;
                    s2 += v * v;
                }
            }
            sum[ch] = (float) s;
            sumSq[ch] = (float) s2;
        }
    }

    @Override
    public void adamStep(float[] w, float[] g, float[] m, float[] v, int count, float lr, float beta1, float beta2,
                         float eps, float bc1, float bc2, float l2, float decoupledDecay) {
        ElementwiseChecks.adam(w, g, m, v, count, bc1, bc2);
        float decay = 1f - lr * decoupledDecay, c1 = 1f - beta1, c2 = 1f - beta2;
        for (int i = 0; i < count; i++) {
            float gi = g[i] + l2 * w[i];
            float mi = beta1 * m[i] + c1 * gi;
            float vi = beta2 * v[i] + c2 * (gi * gi);
            m[i] = Subnormals.flush(mi);
            v[i] = Subnormals.flush(vi);
            float denom = (float) Math.sqrt(vi / bc2) + eps;
            w[i] = Subnormals.flushWeight(w[i] * decay - lr * ((mi / bc1) / denom));
        }
    }

    @Override
    public void sgdStep(float[] w, float[] g, float[] buf, int count, float lr, float momentum, float weightDecay,
                        boolean nesterov) {
        ElementwiseChecks.sgd(w, g, buf, count, momentum);
        for (int i = 0; i < count; i++) {
            float gi = g[i] + weightDecay * w[i];
            float update = gi;
            if (momentum != 0f) {
                float b = momentum * buf[i] + gi;
                buf[i] = Subnormals.flush(b);
                update = nesterov ? gi + momentum * b : b;
            }
            w[i] = Subnormals.flushWeight(w[i] - lr * update);
        }
    }
}
