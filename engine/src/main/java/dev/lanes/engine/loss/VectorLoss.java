package dev.lanes.engine.loss;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.VectorSums;
import dev.lanes.engine.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API softmax and cross-entropy, split over rows. Rows shorter than {@link #WIDE} classes take the
 * reference's double-precision path (nothing to gain from vectors at 10 classes); wider rows take max, sum
 * and the normalisation in vectors and exp in scalar (see {@link #expAndSum}). Per-row losses go to a scratch array and are summed in row order, so the loss does
 * not depend on the thread count.
 */
public final class VectorLoss implements LossKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int WIDE = 4 * L;
    /** Logits per chunk below which a thread is not worth waking (exp is costly, so this is small). */
    private static final int GRAIN = 1 << 13;

    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);

    /** The arguments of one call, reused so that dispatch allocates nothing (see {@link LoopTask}). */
    private static final class Task extends LoopTask {
        private static final int CROSS_ENTROPY = 0, SOFTMAX = 1, DISTILLATION = 2;
        private int kind;
        private int n, classes, logitsOff, labelsOff, dlogitsOff, xOff, yOff, teacherOff;
        private float smoothing, temperature, alpha;
        private float[] logits, dlogits, rowLoss, x, y, teacher;
        private int[] labels;

        Task crossEntropy(int n, int classes, float[] logits, int logitsOff, int[] labels, int labelsOff,
                          float smoothing, float[] dlogits, int dlogitsOff, float[] rowLoss) {
            this.kind = CROSS_ENTROPY; this.n = n; this.classes = classes; this.logits = logits; this.logitsOff = logitsOff;
            this.labels = labels; this.labelsOff = labelsOff; this.smoothing = smoothing; this.dlogits = dlogits;
            this.dlogitsOff = dlogitsOff; this.rowLoss = rowLoss;
            return this;
        }

        Task softmax(int classes, float[] x, int xOff, float[] y, int yOff) {
            this.kind = SOFTMAX; this.classes = classes; this.x = x; this.xOff = xOff; this.y = y; this.yOff = yOff;
            return this;
        }

        Task distillation(int n, int classes, float[] logits, int logitsOff, float[] teacher, int teacherOff, int[] labels, int labelsOff,
                          float temperature, float alpha, float[] dlogits, int dlogitsOff, float[] rowLoss) {
            this.kind = DISTILLATION; this.n = n; this.classes = classes; this.logits = logits; this.logitsOff = logitsOff;
            this.teacher = teacher; this.teacherOff = teacherOff; this.labels = labels; this.labelsOff = labelsOff;
            this.temperature = temperature; this.alpha = alpha; this.dlogits = dlogits; this.dlogitsOff = dlogitsOff; this.rowLoss = rowLoss;
            return this;
        }

        @Override
        public void run(int chunk, int from, int to) {
            switch (kind) {
                case CROSS_ENTROPY -> crossEntropyRows(from, to);
                case SOFTMAX -> softmaxRows(from, to);
                default -> distillationRows(from, to);
            }
        }

        @Override
        protected void clear() {
            logits = dlogits = rowLoss = x = y = teacher = null;
            labels = null;
        }

        private void crossEntropyRows(int from, int to) {
            for (int r = from; r < to; r++) {
                int row = logitsOff + r * classes, label = labels[labelsOff + r], d = dlogitsOff + r * classes;
                rowLoss[r] = (float) (classes < WIDE
                        ? ScalarLoss.rowCrossEntropy(n, classes, logits, row, label, smoothing, dlogits, d)
                        : wideCrossEntropy(n, classes, logits, row, label, smoothing, dlogits, d));
            }
        }

        private void distillationRows(int from, int to) {
            for (int r = from; r < to; r++) {
                int row = logitsOff + r * classes, trow = teacherOff + r * classes, label = labels[labelsOff + r], d = dlogitsOff + r * classes;
                rowLoss[r] = (float) (classes < WIDE
                        ? ScalarLoss.rowDistillation(n, classes, logits, row, teacher, trow, label, temperature, alpha, dlogits, d)
                        : wideDistillation(n, classes, logits, row, teacher, trow, label, temperature, alpha, dlogits, d));
            }
        }

        private void softmaxRows(int from, int to) {
            for (int r = from; r < to; r++) {
                int in = xOff + r * classes, out = yOff + r * classes;
                if (classes < WIDE) {
                    ScalarLoss.rowSoftmax(classes, x, in, y, out);
                    continue;
                }
                int bound = S.loopBound(classes), j;
                FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (j = 0; j < bound; j += L) maxV = maxV.max(FloatVector.fromArray(S, x, in + j));
                float max = maxV.reduceLanes(VectorOperators.MAX);
                for (; j < classes; j++) max = Math.max(max, x[in + j]);
                float inv = (float) (1.0 / expAndSum(classes, x, in, max, y, out));
                for (j = 0; j < bound; j += L) FloatVector.fromArray(S, y, out + j).mul(inv).intoArray(y, out + j);
                for (; j < classes; j++) y[out + j] *= inv;
            }
        }
    }

    @Override
    public float softmaxCrossEntropy(int n, int classes, float[] logits, int logitsOff, int[] labels, int labelsOff,
                                     float smoothing, float[] dlogits, int dlogitsOff) {
        LossChecks.crossEntropy(n, classes, logits, logitsOff, labels, labelsOff, smoothing, dlogits, dlogitsOff);
        if (n == 0) return 0f;
        float[] rowLoss = Workspace.floats(Workspace.SCRATCH, n);
        TASKS.acquire().crossEntropy(n, classes, logits, logitsOff, labels, labelsOff, smoothing, dlogits, dlogitsOff, rowLoss)
                .forRange(n, Math.max(1, GRAIN / classes));
        double total = 0;
        for (int r = 0; r < n; r++) total += rowLoss[r];
        return (float) (total / n);
    }

    private static double wideCrossEntropy(int n, int classes, float[] z, int row, int label, float smoothing,
                                           float[] dlogits, int d) {
        float zLabel = z[row + label];
        int bound = S.loopBound(classes), j;
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), sumV = FloatVector.zero(S);
        for (j = 0; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(S, z, row + j);
            maxV = maxV.max(v);
            sumV = sumV.add(v);
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        double sumZ = VectorSums.sum(sumV);
        for (; j < classes; j++) {
            max = Math.max(max, z[row + j]);
            sumZ += z[row + j];
        }
        // exp(z - max) goes to dlogits when there is one (it becomes p there), so exp runs once per logit
        double sumExp = expAndSum(classes, z, row, max, dlogits, d);
        double other = (double) smoothing / classes;
        if (dlogits != null) {
            float invSum = (float) (1.0 / sumExp), invN = 1f / n, off = (float) other;
            for (j = 0; j < bound; j += L) {
                FloatVector.fromArray(S, dlogits, d + j).mul(invSum).sub(off).mul(invN).intoArray(dlogits, d + j);
            }
            for (; j < classes; j++) dlogits[d + j] = (dlogits[d + j] * invSum - off) * invN;
            dlogits[d + label] -= (1f - smoothing) * invN;
        }
        return max + Math.log(sumExp) - (1.0 - smoothing) * zLabel - other * sumZ;
    }

    @Override
    public float distillation(int n, int classes, float[] logits, int logitsOff, float[] teacher, int teacherOff, int[] labels, int labelsOff,
                              float temperature, float alpha, float[] dlogits, int dlogitsOff) {
        LossChecks.distillation(n, classes, logits, logitsOff, teacher, teacherOff, labels, labelsOff, temperature, alpha, dlogits, dlogitsOff);
        if (n == 0) return 0f;
        float[] rowLoss = Workspace.floats(Workspace.SCRATCH, n);
        TASKS.acquire().distillation(n, classes, logits, logitsOff, teacher, teacherOff, labels, labelsOff, temperature, alpha, dlogits,
                dlogitsOff, rowLoss).forRange(n, Math.max(1, GRAIN / (3 * classes)));
        double total = 0;
        for (int r = 0; r < n; r++) total += rowLoss[r];
        return (float) (total / n);
    }

    /**
     * One wide row of the distillation loss (see {@link ScalarLoss#rowDistillation} for the algebra): maxima, the
     * KL's cross term and the gradient in vectors, the three exponentials per logit in scalar {@link Math#exp} (as
     * in {@link #expAndSum}, for the same bits in every tier), kept in this thread's {@link Workspace#LOSS_ROWS}.
     */
    private static double wideDistillation(int n, int classes, float[] s, int row, float[] t, int trow, int label, float temperature,
                                           float alpha, float[] dlogits, int d) {
        float[] e = Workspace.floats(Workspace.LOSS_ROWS, 3 * classes); // exp(u) | exp(u/T) | exp(v/T)
        int e1 = 0, es = classes, et = 2 * classes;
        int bound = S.loopBound(classes), j;
        FloatVector msV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), mtV = msV;
        for (j = 0; j < bound; j += L) {
            msV = msV.max(FloatVector.fromArray(S, s, row + j));
            mtV = mtV.max(FloatVector.fromArray(S, t, trow + j));
        }
        float ms = msV.reduceLanes(VectorOperators.MAX), mt = mtV.reduceLanes(VectorOperators.MAX);
        for (; j < classes; j++) {
            ms = Math.max(ms, s[row + j]);
            mt = Math.max(mt, t[trow + j]);
        }
        float invT = 1f / temperature;
        double z1 = 0, zs = 0, zt = 0;
        for (j = 0; j < classes; j++) {
            float u = s[row + j] - ms;
            float a = (float) Math.exp(u), b = (float) Math.exp(u * invT), c = (float) Math.exp((t[trow + j] - mt) * invT);
            e[e1 + j] = a;
            e[es + j] = b;
            e[et + j] = c;
            z1 += a;
            zs += b;
            zt += c;
        }
        // Σ exp(v/T)·(v - u) with v - u = (t - s) - (mt - ms)
        float shift = mt - ms;
        FloatVector crossV = FloatVector.zero(S);
        for (j = 0; j < bound; j += L) {
            FloatVector diff = FloatVector.fromArray(S, t, trow + j).sub(FloatVector.fromArray(S, s, row + j)).sub(shift);
            crossV = crossV.add(FloatVector.fromArray(S, e, et + j).mul(diff));
        }
        double cross = VectorSums.sum(crossV);
        for (; j < classes; j++) cross += e[et + j] * ((t[trow + j] - s[row + j]) - shift);
        if (dlogits != null) {
            float invN = 1f / n, cs = (float) (alpha * temperature / zs), ct = (float) (alpha * temperature / zt), c1 = (float) ((1 - alpha) / z1);
            for (j = 0; j < bound; j += L) {
                FloatVector g = FloatVector.fromArray(S, e, es + j).mul(cs).sub(FloatVector.fromArray(S, e, et + j).mul(ct))
                        .add(FloatVector.fromArray(S, e, e1 + j).mul(c1));
                g.mul(invN).intoArray(dlogits, d + j);
            }
            for (; j < classes; j++) dlogits[d + j] = (e[es + j] * cs - e[et + j] * ct + e[e1 + j] * c1) * invN;
            dlogits[d + label] -= (1 - alpha) * invN;
        }
        double ce = Math.log(z1) - (s[row + label] - ms);
        double kl = cross / temperature / zt - Math.log(zt) + Math.log(zs);
        return (1 - alpha) * ce + (double) alpha * temperature * temperature * kl;
    }

    /**
     * Sum of exp(z - max) over the row, storing each exp at out[o..] when out is not null. Scalar
     * {@link Math#exp}: the Vector API's EXP may round differently once compiled, which would break
     * run-to-run reproducibility, while Math.exp gives the same bits in every tier.
     */
    private static double expAndSum(int classes, float[] z, int row, float max, float[] out, int o) {
        double sum = 0;
        for (int j = 0; j < classes; j++) {
            float e = (float) Math.exp(z[row + j] - max);
            if (out != null) out[o + j] = e;
            sum += e;
        }
        return sum;
    }

    @Override
    public void softmax(int n, int classes, float[] x, int xOff, float[] y, int yOff) {
        LossChecks.softmax(n, classes, x, xOff, y, yOff);
        TASKS.acquire().softmax(classes, x, xOff, y, yOff).forRange(n, Math.max(1, GRAIN / classes));
    }
}
