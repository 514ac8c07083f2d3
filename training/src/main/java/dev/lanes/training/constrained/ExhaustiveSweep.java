package dev.lanes.training.constrained;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.Flatten;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.param.TernaryStorage;

/**
 * Exhaustive coordinate descent over the ternary weights of an MLP (flatten, then linear layers with ReLU
 * between them): each coordinate in cyclic order tries every value of {−α, 0, +α} and keeps the one with the
 * lowest loss on the batch (a change is kept only if it lowers the loss by more than a relative 1e-7, so ties
 * do not cycle).
 *
 * <p>Evaluation is incremental. The sweep caches every layer's pre-activations z and activations h and every
 * row's loss. Changing w_ij of layer l by Δ shifts z_l[n][i] by Δ · h_{l−1}[n][j] for each row n: rows where
 * h_{l−1}[n][j] = 0 do not change at all; for the others the shift moves h_l[n][i] (again unchanged where
 * ReLU stays at 0), which adds W_{l+1}[:, i] · δh to z_{l+1}[n], and only the layers after that are
 * recomputed, for that row only. A trial costs O(rows touched × width of the layers after), not a forward.
 *
 * <p>Monotone by construction: the sweep measures the batch loss with the model's own forward before and
 * after; should the incremental sums (rounded differently) have let the fresh loss rise, all of the sweep's
 * changes are undone ({@link #reverts()}). Buffers are sized on the first batch and reused.
 */
public final class ExhaustiveSweep {
    private static final double MIN_GAIN = 1e-7;

    private final Module model;
    private final Linear[] layers;
    private final TernaryStorage[] snapshot;
    private final SoftmaxCrossEntropy check = new SoftmaxCrossEntropy();
    private int rows = -1;
    private float[][] z, h; // per layer [rows, out]; the last layer's z are the logits and h is unused
    private float[][] scratch; // per layer, one row
    private double[] rowLoss;
    private int cursor; // next global coordinate, kept across calls (cyclic order)
    private long changes, reverts, trials;

    public ExhaustiveSweep(Module model, ConstrainedWeights weights) {
        if (!(model instanceof Sequential seq)) throw notMlp(model);
        int linear = 0;
        for (int i = 0; i < seq.size(); i++) {
            Module m = seq.get(i);
            boolean ok = (m instanceof Flatten && i == 0) || m instanceof Linear
                    || (m instanceof ReLU && i > 0 && seq.get(i - 1) instanceof Linear && i < seq.size() - 1);
            if (!ok) throw notMlp(model);
            if (m instanceof Linear) linear++;
        }
        layers = new Linear[linear];
        for (int i = 0, k = 0; i < seq.size(); i++) {
            if (seq.get(i) instanceof Linear l) {
                boolean reluAfter = i + 1 < seq.size() && seq.get(i + 1) instanceof ReLU;
                if (reluAfter != (k < linear - 1)) throw notMlp(model); // ReLU after every hidden layer, none after the last
                layers[k++] = l;
            }
        }
        if (weights.tensorCount() != layers.length) throw notMlp(model);
        for (int k = 0; k < layers.length; k++) {
            if (weights.weight(k) != layers[k].weight()) throw notMlp(model);
        }
        this.model = model;
        snapshot = new TernaryStorage[layers.length];
        for (int k = 0; k < layers.length; k++) snapshot[k] = layers[k].weight().ternary().copy();
    }

    private static IllegalArgumentException notMlp(Module m) {
        return new IllegalArgumentException("constrained mode=exhaustive needs an MLP (flatten, linear, ReLU, ..., linear; e.g. --model mlp-16) but got "
                + m.describe() + "; use mode=blocks for other models");
    }

    /** Coordinate changes kept so far. */
    public long changes() { return changes; }

    /** Sweeps undone because the fresh loss rose. */
    public long reverts() { return reverts; }

    /** Trial values evaluated so far. */
    public long trials() { return trials; }

    /**
     * Visits {@code budget} coordinates (at most one full cycle) on the batch {@code x} [N, ...] with
     * {@code labels[0, N)}; returns the batch loss afterwards (never above the loss before).
     */
    public float sweep(Tensor x, int[] labels, int budget) {
        int n = x.dim(0);
        ensureBuffers(n);
        float before = check.forward(model.forward(x), labels, 0);
        for (int k = 0; k < layers.length; k++) snapshot[k].copyFrom(layers[k].weight().ternary());
        long changesBefore = changes;
        fillCaches(x, labels, n);
        int total = 0;
        for (Linear l : layers) total += l.weight().size();
        int steps = Math.min(budget, total);
        double loss = sum(rowLoss, n);
        for (int s = 0; s < steps; s++) {
            int c = cursor;
            cursor = cursor + 1 == total ? 0 : cursor + 1;
            int layer = 0, local = c;
            while (local >= layers[layer].weight().size()) local -= layers[layer++].weight().size();
            loss = visit(layer, local, x, labels, n, loss);
        }
        if (changes == changesBefore) return before;
        float after = check.forward(model.forward(x), labels, 0);
        if (after > before) {
            for (int k = 0; k < layers.length; k++) layers[k].weight().ternary().copyFrom(snapshot[k]);
            changes = changesBefore;
            reverts++;
            return before;
        }
        return after;
    }

    /** Tries every other value of one coordinate; keeps the best if it lowers the loss. Returns the new loss sum. */
    private double visit(int l, int index, Tensor x, int[] labels, int n, double loss) {
        Parameter w = layers[l].weight();
        TernaryStorage s = w.ternary();
        int in = layers[l].inFeatures(), i = index / in, j = index % in;
        int code = s.code(index);
        float alpha = s.scale(s.channelOf(index));
        int bestCode = code;
        double best = loss;
        for (int c = 0; c < 3; c++) {
            if (c == code) continue;
            trials++;
            double trial = loss + delta(l, i, j, (c - code) * alpha, x, labels, n, false);
            if (trial < best) {
                best = trial;
                bestCode = c;
            }
        }
        if (bestCode == code || !(best < loss - MIN_GAIN * Math.max(1, Math.abs(loss)))) return loss;
        double d = delta(l, i, j, (bestCode - code) * alpha, x, labels, n, true);
        s.setCode(index, bestCode);
        changes++;
        return loss + d;
    }

    /**
     * The change of the loss sum when w_ij of layer l moves by {@code dw}; with {@code commit} the caches take
     * the new values.
     */
    private double delta(int l, int i, int j, float dw, Tensor x, int[] labels, int n, boolean commit) {
        int last = layers.length - 1;
        int in = layers[l].inFeatures(), out = layers[l].outFeatures();
        float[] a = l == 0 ? x.data() : h[l - 1];
        int aOff = l == 0 ? x.offset() : 0;
        float[] zl = z[l];
        double d = 0;
        for (int r = 0; r < n; r++) {
            float xj = a[aOff + r * in + j];
            if (xj == 0f) continue;
            float dz = dw * xj;
            int zi = r * out + i;
            if (l == last) {
                float old = zl[zi];
                zl[zi] = old + dz;
                double nl = rowLoss(zl, r * out, out, labels[r]);
                d += nl - rowLoss[r];
                if (commit) rowLoss[r] = nl;
                else zl[zi] = old;
                continue;
            }
            float hOld = h[l][zi], hNew = Math.max(zl[zi] + dz, 0f);
            if (commit) {
                zl[zi] += dz;
                h[l][zi] = hNew;
            }
            float dh = hNew - hOld;
            if (dh == 0f) continue;
            double nl = propagate(l, i, dh, r, labels[r], commit);
            d += nl - rowLoss[r];
            if (commit) rowLoss[r] = nl;
        }
        return d;
    }

    /**
     * Row {@code r}'s loss after h_l[r][i] moves by {@code dh}: z_{l+1}[r] += W_{l+1}[:, i] · dh, then the
     * later layers for this row. With {@code commit} the caches of the later layers take the new row.
     */
    private double propagate(int l, int i, float dh, int r, int label, boolean commit) {
        int last = layers.length - 1;
        Linear next = layers[l + 1];
        int nIn = next.inFeatures(), nOut = next.outFeatures();
        float[] w = next.weight().value().data();
        float[] row = scratch[l + 1];
        float[] zn = z[l + 1];
        for (int o = 0; o < nOut; o++) row[o] = zn[r * nOut + o] + w[o * nIn + i] * dh;
        if (commit) System.arraycopy(row, 0, zn, r * nOut, nOut);
        float[] prev = row;
        for (int k = l + 2; k <= last; k++) {
            int kIn = layers[k].inFeatures(), kOut = layers[k].outFeatures();
            float[] hk = scratch[k - 1];
            for (int q = 0; q < kIn; q++) hk[q] = Math.max(prev[q], 0f);
            if (commit) System.arraycopy(hk, 0, h[k - 1], r * kIn, kIn);
            float[] wk = layers[k].weight().value().data();
            float[] bk = layers[k].bias() == null ? null : layers[k].bias().value().data();
            float[] zk = scratch[k];
            for (int o = 0; o < kOut; o++) {
                float acc = bk == null ? 0f : bk[o];
                for (int q = 0; q < kIn; q++) acc += wk[o * kIn + q] * hk[q];
                zk[o] = acc;
            }
            if (commit) System.arraycopy(zk, 0, z[k], r * kOut, kOut);
            prev = zk;
        }
        if (commit && l + 1 < last) {
            float[] hn = h[l + 1];
            for (int o = 0; o < nOut; o++) hn[r * nOut + o] = Math.max(row[o], 0f);
        }
        return rowLoss(prev, 0, layers[last].outFeatures(), label);
    }

    private void fillCaches(Tensor x, int[] labels, int n) {
        int last = layers.length - 1;
        for (int k = 0; k <= last; k++) {
            Linear l = layers[k];
            int in = l.inFeatures(), out = l.outFeatures();
            float[] zk = z[k];
            if (l.bias() != null) {
                for (int r = 0; r < n; r++) System.arraycopy(l.bias().value().data(), 0, zk, r * out, out);
            }
            float[] a = k == 0 ? x.data() : h[k - 1];
            int aOff = k == 0 ? x.offset() : 0;
            if (k == 0 && x.size() != n * in) throw new IllegalArgumentException("exhaustive sweep: input of " + x.size() + " values is not " + n + " rows of " + in);
            Kernels.gemm().sgemm(false, true, n, out, in, 1f, a, aOff, in, l.weight().value().data(), 0, in, l.bias() != null ? 1f : 0f, zk, 0, out);
            if (k < last) for (int q = 0; q < n * out; q++) h[k][q] = Math.max(zk[q], 0f);
        }
        int classes = layers[last].outFeatures();
        for (int r = 0; r < n; r++) rowLoss[r] = rowLoss(z[last], r * classes, classes, labels[r]);
    }

    private void ensureBuffers(int n) {
        if (n == rows) return;
        rows = n;
        z = new float[layers.length][];
        h = new float[layers.length][];
        scratch = new float[layers.length][];
        for (int k = 0; k < layers.length; k++) {
            z[k] = new float[n * layers[k].outFeatures()];
            h[k] = new float[n * layers[k].outFeatures()];
            scratch[k] = new float[layers[k].outFeatures()];
        }
        rowLoss = new double[n];
    }

    /** −log softmax(logits)[label] of one row, in double. */
    static double rowLoss(float[] logits, int off, int k, int label) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) max = Math.max(max, logits[off + c]);
        double sum = 0;
        for (int c = 0; c < k; c++) sum += Math.exp(logits[off + c] - max);
        return Math.log(sum) + max - logits[off + label];
    }

    private static double sum(double[] v, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += v[i];
        return s;
    }
}
