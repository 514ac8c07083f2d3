package dev.lanes.nn;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's parameters and buffers in memory, by dotted path, PyTorch's {@code state_dict}: copies, so
 * training on does not change a snapshot, and loading copies in. Packed ternary parameters appear as their
 * decoded float values and cannot be loaded into (their codes travel through {@link dev.lanes.nn.io.ModelFile}).
 */
public final class StateDict {
    private StateDict() {}

    /** What a load did not match: the model's entries the dict lacked, the dict's extra entries, and shape clashes. */
    public record LoadResult(List<String> missing, List<String> unexpected, List<String> mismatched) {
        public boolean complete() { return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty(); }
    }

    /** A copy of every parameter value and buffer of {@code model}, parameters first, in forward order. */
    public static Map<String, Tensor> of(Module model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        model.namedParameters().forEach((k, p) -> out.put(k, p.value().copy()));
        model.namedBuffers().forEach((k, t) -> out.put(k, t.copy()));
        return out;
    }

    /**
     * Copies {@code state} into {@code model}. Strict: every entry must match by path and shape, or nothing
     * changes and the exception lists what did not. Not strict (a new head on a trained body): the entries
     * that match are copied and the rest reported in the result; nothing is copied into a packed parameter.
     */
    public static LoadResult load(Module model, Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Parameter> params = model.namedParameters();
        params.forEach((k, p) -> targets.put(k, p.value()));
        targets.putAll(model.namedBuffers());
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (String k : targets.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor target = targets.get(e.getKey());
            if (target == null) unexpected.add(e.getKey());
            else if (!target.sameShape(e.getValue())) {
                mismatched.add(e.getKey() + " " + Shapes.toString(e.getValue().shape()) + " (model " + Shapes.toString(target.shape()) + ")");
            } else if (params.containsKey(e.getKey()) && params.get(e.getKey()).isPacked()) {
                mismatched.add(e.getKey() + " (packed ternary in the model)");
            }
        }
        LoadResult result = new LoadResult(List.copyOf(missing), List.copyOf(unexpected), List.copyOf(mismatched));
        if (strict && !result.complete()) {
            throw new IllegalArgumentException("state dict does not fit " + model.describe() + ": missing " + missing + ", unexpected "
                    + unexpected + ", mismatched " + mismatched + " (load non-strict to copy what fits)");
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor target = targets.get(e.getKey());
            boolean packed = params.containsKey(e.getKey()) && params.get(e.getKey()).isPacked();
            if (target != null && target.sameShape(e.getValue()) && !packed) target.copyFrom(e.getValue());
        }
        return result;
    }
}
