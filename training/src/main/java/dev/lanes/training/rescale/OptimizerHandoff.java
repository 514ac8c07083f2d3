package dev.lanes.training.rescale;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.resize.ImageResize;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What becomes of the optimizer state when the low-resolution model is replaced by its rescaled twin. The
 * optimizer is re-bound to the new model's parameters in every mode; the modes differ in the state of the
 * resampled kernels (every other parameter has the same path and shape in both models).
 *
 * <ul>
 *   <li>{@link Mode#RESET}: all state is dropped (moments, per-parameter update counts); the step count stays.
 *   <li>{@link Mode#KEEP}: parameters of unchanged shape (BN, biases, 1×1 convs, the classifier) keep their
 *       state; the resampled kernels start fresh.
 *   <li>{@link Mode#TRANSPORT}: as KEEP, and each resampled kernel's state tensors (Adam's m and v, SGD's
 *       momentum) are interpolated to the new kernel size, without the (k/k')² gain the weights get, keeping
 *       their update count. Why no gain: by the scaling property a full-resolution tap sees s² times as many
 *       output positions, each with 1/s² of the error signal (global pooling averages over s² times as many),
 *       so the per-tap gradient keeps its size across the switch while the weights shrink by (k/k')².
 *       Interpolated second moments are clamped at 0 (bicubic may overshoot).
 * </ul>
 */
public final class OptimizerHandoff {
    public enum Mode { RESET, KEEP, TRANSPORT }

    private OptimizerHandoff() {}

    /**
     * Re-binds {@code optimizer} from {@code before} to {@code after} (same parameter paths; the kernels at
     * {@code resampled} — weight paths — differ in their last two axes) and sets its state by {@code mode}.
     */
    public static void apply(Mode mode, Optimizer optimizer, Module before, Module after, Set<String> resampled, ImageResize.Method method) {
        Map<String, Parameter> oldParams = before.namedParameters(), newParams = after.namedParameters();
        if (!oldParams.keySet().equals(newParams.keySet()))
            throw new IllegalArgumentException("optimizer handoff: the models have different parameters (" + oldParams.keySet() + " vs " + newParams.keySet() + ")");
        // an optimizer built over a list names parameters by position ("0", "1", ...); keep its naming
        boolean byPath = optimizer.namedParameters().keySet().equals(oldParams.keySet());
        List<String> paths = new ArrayList<>(newParams.keySet());
        Map<String, Tensor> old = optimizer.state();
        optimizer.rebind(byPath ? newParams : Optimizer.indexed(after.parameters()));
        switch (mode) {
            case RESET -> optimizer.loadState(Map.of("step", old.get("step")));
            case KEEP -> { } // rebind kept what has the same path and shape
            case TRANSPORT -> {
                Map<String, Tensor> state = new LinkedHashMap<>(optimizer.state());
                for (String path : resampled) {
                    String key = byPath ? path : Integer.toString(paths.indexOf(path));
                    int[] shape = newParams.get(path).shape();
                    for (Map.Entry<String, Tensor> e : old.entrySet()) {
                        String k = e.getKey();
                        int dot = k.indexOf('.');
                        if (dot < 0 || !k.substring(dot + 1).equals(key)) continue;
                        String kind = k.substring(0, dot);
                        if (kind.equals("t")) {
                            state.put(k, e.getValue());
                            continue;
                        }
                        Tensor t = ImageResize.resize(method, e.getValue(), shape[2], shape[3]);
                        if (kind.equals("v")) clampAtZero(t);
                        state.put(k, t);
                    }
                }
                optimizer.loadState(state);
            }
        }
    }

    private static void clampAtZero(Tensor t) {
        float[] d = t.data();
        for (int i = t.offset(); i < t.offset() + t.size(); i++) if (d[i] < 0f) d[i] = 0f;
    }
}
