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
        private boolean crossEntropy;
        private int n, classes, logitsOff, labelsOff, dlogitsOff, xOff, yOff;
        private float smoothing;
        private float[] logits, dlogits, rowLoss, x, y;
        private int[] labels;

        Task crossEntropy(int n, int classes, float[] logits, int logitsOff, int[] labels, int labelsOff,
                          float smoothing, float[] dlogits, int dlogitsOff, float[] rowLoss) {
            this.crossEntropy = true; this.n = n; this.classes = classes; this.logits = logits; this.logitsOff = logitsOff;
            this.labels = labels; this.labelsOff = labelsOff; this.smoothing = smoothing; this.dlogits = dlogits;
            this.dlogitsOff = dlogitsOff; this.rowLoss = rowLoss;
            return this;
        }

        Task softmax(int classes, float[] x, int xOff, float[] y, int yOff) {
            this.crossEntropy = false; this.classes = classes; this.x = x; this.xOff = xOff; this.y = y; this.yOff = yOff;
            return this;
        }

        @Override
        public void run(int chunk, int from, int to) {
            if (crossEntropy) crossEntropyRows(from, to);
            else softmaxRows(from, to);
        }

        @Override
        protected void clear() {
            logits = dlogits = rowLoss = x = y = null;
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
