package dev.lanes.training.constrained;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryQuantizer;
import dev.lanes.nn.param.TernaryStorage;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The constrained part of a model: every convolution and linear weight, held as packed ternary codes
 * {−α, 0, +α} ({@link TernaryStorage}) with no float copy, and the scales α as small float parameters.
 *
 * <p>A weight that is still dense when this is built is packed once from its current floats by TWN's rule
 * ({@link TernaryQuantizer}, threshold factor {@code t}); the floats are then dropped. A weight already packed
 * (e.g. loaded from a checkpoint) is kept as it is.
 *
 * <p>The scales train by gradient with an Adam of their own (β 0.9, 0.999, no weight decay) at the run's
 * current learning rate: dL/dα of a channel is Σ g_i · sign(w_i) over its elements, read from the gradient
 * backward accumulates w.r.t. the decoded weights. After each update α is written back into the storage
 * (floored at {@link #MIN_SCALE}: a scale must stay positive).
 */
public final class ConstrainedWeights {
    static final float MIN_SCALE = 1e-6f;

    private final Parameter[] weights;
    private final String[] paths;
    private final Parameter[] scales;
    private final Adam scaleOptimizer;
    private final int[] offsets; // global coordinate index of each tensor's first element; last = total
    private final int floatsKept;

    public ConstrainedWeights(Module model, Granularity granularity, float thresholdFactor) {
        Map<Parameter, String> pathOf = new IdentityHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) pathOf.put(e.getValue(), e.getKey());
        List<Parameter> found = new ArrayList<>();
        collect(model, found);
        if (found.isEmpty()) throw new IllegalArgumentException("constrained: " + model.describe() + " has no convolution or linear weight to constrain");
        weights = found.toArray(new Parameter[0]);
        paths = new String[weights.length];
        scales = new Parameter[weights.length];
        offsets = new int[weights.length + 1];
        for (int t = 0; t < weights.length; t++) {
            Parameter p = weights[t];
            paths[t] = pathOf.get(p);
            if (!p.isPacked()) p.setStorage(TernaryQuantizer.quantize(p.value(), granularity, thresholdFactor));
            else if (p.ternary().granularity() != granularity) {
                throw new IllegalArgumentException("constrained: " + paths[t] + " is packed " + p.ternary().granularity() + " but granularity " + granularity + " was asked for");
            }
            TernaryStorage s = p.ternary();
            scales[t] = new Parameter(paths[t] + ".alpha", Tensor.of(s.scales(), s.scaleCount()));
            offsets[t + 1] = Math.addExact(offsets[t], p.size());
        }
        scaleOptimizer = new Adam(List.of(scales), 1e-3f, 0.9f, 0.999f, 1e-8f, 0f);
        int kept = 0;
        for (Parameter p : model.parameters()) if (!p.isPacked()) kept += p.size();
        floatsKept = kept;
    }

    private static void collect(Module m, List<Parameter> out) {
        if (m instanceof Linear l) out.add(l.weight());
        else if (m instanceof Conv2d c) out.add(c.weight());
        for (Module child : m.children()) collect(child, out);
    }

    /** The scales' Adam state (moments, update counts), for checkpoints: a resumed run continues their updates exactly. */
    public Map<String, Tensor> scaleState() { return scaleOptimizer.state(); }

    /** Restores what {@link #scaleState} returned for weights of the same shapes (refused, naming the entry, otherwise). */
    public void loadScaleState(Map<String, Tensor> state) { scaleOptimizer.loadState(state); }

    public int tensorCount() { return weights.length; }

    public Parameter weight(int t) { return weights[t]; }

    public String path(int t) { return paths[t]; }

    /** Number of constrained values (coordinates) over all tensors. */
    public int coordinateCount() { return offsets[weights.length]; }

    /** Global index of tensor {@code t}'s first element. */
    public int offset(int t) { return offsets[t]; }

    /** The tensor holding global coordinate {@code index}. */
    public int tensorOf(int index) {
        int t = 0;
        while (offsets[t + 1] <= index) t++;
        return t;
    }

    /** Float values the model keeps besides the codes (biases, BN), scales not included. */
    public int floatsKept() { return floatsKept; }

    /** Number of scales α (floats) over all tensors. */
    public int scaleCount() {
        int n = 0;
        for (Parameter s : scales) n += s.size();
        return n;
    }

    /** Clears the scales' gradients (the model's own are the run optimizer's job). */
    public void zeroScaleGrads() {
        for (Parameter s : scales) s.zeroGrad();
    }

    /** dL/dα from the weights' gradients, one Adam step at {@code lr}, scales written back into the storage. */
    public void stepScales(float lr) {
        for (int t = 0; t < weights.length; t++) {
            Parameter p = weights[t];
            TernaryStorage s = p.ternary();
            float[] v = p.value().data(), g = p.grad().data(), ga = scales[t].grad().data(), a = scales[t].value().data();
            int per = s.codesPerScale();
            for (int c = 0; c < s.scaleCount(); c++) {
                double sum = 0;
                for (int i = c * per, end = i + per; i < end; i++) if (v[i] != 0f) sum += v[i] > 0 ? g[i] : -g[i];
                ga[c] = (float) sum;
                a[c] = s.scale(c); // the storage is the truth: a reverted or reloaded tensor may differ
            }
        }
        scaleOptimizer.setLearningRate(lr);
        scaleOptimizer.step();
        for (int t = 0; t < weights.length; t++) {
            TernaryStorage s = weights[t].ternary();
            float[] a = scales[t].value().data();
            for (int c = 0; c < s.scaleCount(); c++) {
                float next = Math.max(a[c], MIN_SCALE);
                if (next != s.scale(c)) s.setScale(c, next);
            }
        }
    }
}
