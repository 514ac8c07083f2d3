package dev.lanes.engine.elementwise;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.VectorSums;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API element-wise kernels. The maps and the optimizer steps do per lane exactly the float operations
 * of {@link ScalarElementwise} (no fused multiply-add), so they agree to the bit and split freely over
 * threads. Sums run on one thread in fixed blocks: float lanes within a block, double across blocks.
 */
public final class VectorElementwise implements ElementwiseKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Floats per chunk below which a thread is not worth waking. */
    private static final int GRAIN = 1 << 15;
    /** Floats summed in float lanes before the partial goes into the double total. */
    private static final int BLOCK = 1024;

    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);

    /** The arguments of one call, reused so that dispatch allocates nothing (see {@link LoopTask}). */
    private static final class Task extends LoopTask {
        private static final int ADD = 0, MUL = 1, AXPY = 2, SCALE = 3, CHANNELS = 4, ADAM = 5, SGD = 6;
        private int op, aOff, bOff, xOff, yOff, n, c, hw;
        private float alpha, lr, beta1, beta2, eps, bc1, bc2, l2, decoupledDecay, momentum, weightDecay;
        private boolean nesterov;
        private float[] a, b, x, y, sum, sumSq, w, g, m, v, buf;

        /** add, mul: y = a op b. */
        Task binary(int op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
            this.op = op; this.a = a; this.aOff = aOff; this.b = b; this.bOff = bOff; this.y = y; this.yOff = yOff;
            return this;
        }

        /** axpy (y += alpha·x), scale (x *= alpha; y unused). */
        Task scaled(int op, float alpha, float[] x, int xOff, float[] y, int yOff) {
            this.op = op; this.alpha = alpha; this.x = x; this.xOff = xOff; this.y = y; this.yOff = yOff;
            return this;
        }

        Task channels(int n, int c, int hw, float[] x, int xOff, float[] sum, float[] sumSq) {
            this.op = CHANNELS; this.n = n; this.c = c; this.hw = hw; this.x = x; this.xOff = xOff; this.sum = sum; this.sumSq = sumSq;
            return this;
        }

        Task adam(float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2, float eps,
                  float bc1, float bc2, float l2, float decoupledDecay) {
            this.op = ADAM; this.w = w; this.g = g; this.m = m; this.v = v; this.lr = lr; this.beta1 = beta1; this.beta2 = beta2;
            this.eps = eps; this.bc1 = bc1; this.bc2 = bc2; this.l2 = l2; this.decoupledDecay = decoupledDecay;
            return this;
        }

        Task sgd(float[] w, float[] g, float[] buf, float lr, float momentum, float weightDecay, boolean nesterov) {
            this.op = SGD; this.w = w; this.g = g; this.buf = buf; this.lr = lr; this.momentum = momentum;
            this.weightDecay = weightDecay; this.nesterov = nesterov;
            return this;
        }

        @Override
        public void run(int chunk, int from, int to) {
            switch (op) {
                case ADD -> add(from, to);
                case MUL -> mul(from, to);
                case AXPY -> axpy(from, to);
                case SCALE -> scale(from, to);
                case CHANNELS -> channels(from, to);
                case ADAM -> adam(from, to);
                default -> sgd(from, to);
            }
        }

        @Override
        protected void clear() {
            a = b = x = y = sum = sumSq = w = g = m = v = buf = null;
        }

        private void add(int from, int to) {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = a[aOff + i] + b[bOff + i];
        }

        private void mul(int from, int to) {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = a[aOff + i] * b[bOff + i];
        }

        private void axpy(int from, int to) {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(S, y, yOff + i).add(FloatVector.fromArray(S, x, xOff + i).mul(alpha)).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] += alpha * x[xOff + i];
        }

        private void scale(int from, int to) {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
            }
            for (; i < to; i++) x[xOff + i] *= alpha;
        }

        private void channels(int from, int to) {
            for (int ch = from; ch < to; ch++) {
                double s = 0, s2 = 0;
                for (int b = 0; b < n; b++) {
                    int base = xOff + (b * c + ch) * hw;
                    s += blockSum(x, base, hw, false);
                    s2 += blockSum(x, base, hw, true);
                }
                sum[ch] = (float) s;
                sumSq[ch] = (float) s2;
            }
        }

        private void adam(int from, int to) {
            adamRange(w, g, m, v, from, to, lr, beta1, beta2, eps, bc1, bc2, l2, decoupledDecay);
        }

        private void sgd(int from, int to) {
            boolean useBuf = momentum != 0f;
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector wi = FloatVector.fromArray(S, w, i);
                FloatVector gi = FloatVector.fromArray(S, g, i).add(wi.mul(weightDecay));
                FloatVector update = gi;
                if (useBuf) {
                    FloatVector b = FloatVector.fromArray(S, buf, i).mul(momentum).add(gi);
                    flush(b).intoArray(buf, i);
                    update = nesterov ? gi.add(b.mul(momentum)) : b;
                }
                flushWeight(wi.sub(update.mul(lr))).intoArray(w, i);
            }
            for (; i < to; i++) {
                float gs = g[i] + weightDecay * w[i];
                float update = gs;
                if (useBuf) {
                    float b = momentum * buf[i] + gs;
                    buf[i] = Subnormals.flush(b);
                    update = nesterov ? gs + momentum * b : b;
                }
                w[i] = Subnormals.flushWeight(w[i] - lr * update);
            }
        }
    }

    /** {@link Subnormals#flush} lane by lane. */
    private static FloatVector flush(FloatVector x) {
        return x.blend(0f, x.abs().lt(Float.MIN_NORMAL));
    }

    /** {@link Subnormals#flushWeight} lane by lane. */
    private static FloatVector flushWeight(FloatVector w) {
        return w.blend(0f, w.abs().lt(Subnormals.TINY_WEIGHT));
    }

    /**
     * One range of the Adam update. A static method with every argument a parameter: read from the task's
     * fields inside the loop, C2 sometimes left every vector boxed (JDK 25, 2 threads), 100x slower.
     */
    private static void adamRange(float[] w, float[] g, float[] m, float[] v, int from, int to, float lr, float beta1,
                                  float beta2, float eps, float bc1, float bc2, float l2, float decoupledDecay) {
        float decay = 1f - lr * decoupledDecay, c1 = 1f - beta1, c2 = 1f - beta2;
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector wi = FloatVector.fromArray(S, w, i);
            FloatVector gi = FloatVector.fromArray(S, g, i).add(wi.mul(l2));
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(beta1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(beta2).add(gi.mul(gi).mul(c2));
            flush(mi).intoArray(m, i);
            flush(vi).intoArray(v, i);
            FloatVector denom = vi.div(bc2).sqrt().add(eps);
            flushWeight(wi.mul(decay).sub(mi.div(bc1).div(denom).mul(lr))).intoArray(w, i);
        }
        for (; i < to; i++) {
            float gs = g[i] + l2 * w[i];
            float ms = beta1 * m[i] + c1 * gs;
            float vs = beta2 * v[i] + c2 * (gs * gs);
            m[i] = Subnormals.flush(ms);
            v[i] = Subnormals.flush(vs);
            float denom = (float) Math.sqrt(vs / bc2) + eps;
            w[i] = Subnormals.flushWeight(w[i] * decay - lr * ((ms / bc1) / denom));
        }
    }

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int count) {
        ElementwiseChecks.binary("add", a, aOff, b, bOff, y, yOff, count);
        TASKS.acquire().binary(Task.ADD, a, aOff, b, bOff, y, yOff).forRange(count, GRAIN);
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int count) {
        ElementwiseChecks.binary("mul", a, aOff, b, bOff, y, yOff, count);
        TASKS.acquire().binary(Task.MUL, a, aOff, b, bOff, y, yOff).forRange(count, GRAIN);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int count) {
        ElementwiseChecks.count("axpy", count);
        ElementwiseChecks.range("axpy", "x", x, xOff, count);
        ElementwiseChecks.range("axpy", "y", y, yOff, count);
        TASKS.acquire().scaled(Task.AXPY, alpha, x, xOff, y, yOff).forRange(count, GRAIN);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, int count) {
        ElementwiseChecks.count("scale", count);
        ElementwiseChecks.range("scale", "x", x, xOff, count);
        TASKS.acquire().scaled(Task.SCALE, alpha, x, xOff, null, 0).forRange(count, GRAIN);
    }

    @Override
    public float sum(float[] x, int xOff, int count) {
        ElementwiseChecks.count("sum", count);
        ElementwiseChecks.range("sum", "x", x, xOff, count);
        return (float) blockSum(x, xOff, count, false);
    }

    @Override
    public float sumOfSquares(float[] x, int xOff, int count) {
        ElementwiseChecks.count("sumOfSquares", count);
        ElementwiseChecks.range("sumOfSquares", "x", x, xOff, count);
        return (float) blockSum(x, xOff, count, true);
    }

    /** Sum (or sum of squares) of x[off, off+count): float lanes per block of BLOCK, blocks added in double. */
    static double blockSum(float[] x, int off, int count, boolean squares) {
        double total = 0;
        for (int start = 0; start < count; start += BLOCK) {
            int len = Math.min(BLOCK, count - start), base = off + start, i = 0;
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            for (int bound = len - 2 * L; i <= bound; i += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(S, x, base + i), v1 = FloatVector.fromArray(S, x, base + i + L);
                acc0 = squares ? v0.fma(v0, acc0) : acc0.add(v0);
                acc1 = squares ? v1.fma(v1, acc1) : acc1.add(v1);
            }
            double part = VectorSums.sum(acc0.add(acc1));
            for (; i < len; i++) {
                double v = x[base + i];
                part += squares ? v * v : v;
            }
            total += part;
        }
        return total;
    }

    @Override
    public void channelSumAndSquares(int n, int c, int hw, float[] x, int xOff, float[] sum, float[] sumSq) {
        ElementwiseChecks.channels(n, c, hw, x, xOff, sum, sumSq);
        // each channel is summed by one thread in plane order, so the result does not depend on the thread count
        TASKS.acquire().channels(n, c, hw, x, xOff, sum, sumSq).forRange(c, Math.max(1, GRAIN / Math.max(1, n * hw)));
    }

    @Override
    public void adamStep(float[] w, float[] g, float[] m, float[] v, int count, float lr, float beta1, float beta2,
                         float eps, float bc1, float bc2, float l2, float decoupledDecay) {
        ElementwiseChecks.adam(w, g, m, v, count, bc1, bc2);
        TASKS.acquire().adam(w, g, m, v, lr, beta1, beta2, eps, bc1, bc2, l2, decoupledDecay).forRange(count, GRAIN / 4);
    }

    @Override
    public void sgdStep(float[] w, float[] g, float[] buf, int count, float lr, float momentum, float weightDecay,
                        boolean nesterov) {
        ElementwiseChecks.sgd(w, g, buf, count, momentum);
        TASKS.acquire().sgd(w, g, buf, lr, momentum, weightDecay, nesterov).forRange(count, GRAIN / 2);
    }
}
