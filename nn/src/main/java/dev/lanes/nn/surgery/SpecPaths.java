package dev.lanes.nn.surgery;

import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.ResidualSpec;
import dev.lanes.nn.arch.SequenceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reading and rewriting a spec by dotted path ("3.main.conv1"), the same paths as the module's parameters
 * ("3.main.conv1.weight"). Sequences name their children; a residual's children are "main" and "shortcut".
 */
public final class SpecPaths {
    private SpecPaths() {}

    /** The sub-spec at {@code path} ("" is the root); throws naming the first missing step. */
    public static LayerSpec get(LayerSpec root, String path) {
        LayerSpec cur = root;
        String walked = "";
        for (String step : steps(path)) {
            cur = child(cur, step, walked, root);
            walked = walked.isEmpty() ? step : walked + "." + step;
        }
        return cur;
    }

    /** A copy of {@code root} with the sub-spec at {@code path} replaced by {@code edit} applied to it. */
    public static LayerSpec with(LayerSpec root, String path, UnaryOperator<LayerSpec> edit) {
        return rewrite(root, steps(path), 0, "", edit);
    }

    /** Every sub-spec by path, parents before children, the root as "". */
    public static Map<String, LayerSpec> all(LayerSpec root) {
        Map<String, LayerSpec> out = new LinkedHashMap<>();
        collect(root, "", out);
        return out;
    }

    static String join(String path, String name) { return path.isEmpty() ? name : path + "." + name; }

    private static void collect(LayerSpec spec, String path, Map<String, LayerSpec> out) {
        out.put(path, spec);
        if (spec instanceof SequenceSpec s) {
            for (SequenceSpec.Child c : s.children()) collect(c.spec(), join(path, c.name()), out);
        } else if (spec instanceof ResidualSpec r) {
            collect(r.main(), join(path, "main"), out);
            if (r.hasShortcut()) collect(r.shortcut(), join(path, "shortcut"), out);
        }
    }

    private static List<String> steps(String path) {
        return path.isEmpty() ? List.of() : List.of(path.split("\\.", -1));
    }

    private static LayerSpec child(LayerSpec cur, String step, String walked, LayerSpec root) {
        if (cur instanceof SequenceSpec s) {
            for (SequenceSpec.Child c : s.children()) if (c.name().equals(step)) return c.spec();
        } else if (cur instanceof ResidualSpec r) {
            if (step.equals("main")) return r.main();
            if (step.equals("shortcut") && r.hasShortcut()) return r.shortcut();
        }
        throw new IllegalArgumentException("no layer '" + join(walked, step) + "' in the model" + (walked.isEmpty() ? "" : ": '" + walked + "' is a "
                + cur.getClass().getSimpleName() + " without a child '" + step + "'"));
    }

    private static LayerSpec rewrite(LayerSpec cur, List<String> steps, int i, String walked, UnaryOperator<LayerSpec> edit) {
        if (i == steps.size()) return edit.apply(cur);
        String step = steps.get(i);
        String here = join(walked, step);
        if (cur instanceof SequenceSpec s) {
            List<SequenceSpec.Child> kids = new ArrayList<>();
            boolean found = false;
            for (SequenceSpec.Child c : s.children()) {
                if (c.name().equals(step)) {
                    kids.add(new SequenceSpec.Child(c.name(), rewrite(c.spec(), steps, i + 1, here, edit)));
                    found = true;
                } else {
                    kids.add(c);
                }
            }
            if (found) return new SequenceSpec(kids);
        } else if (cur instanceof ResidualSpec r) {
            if (step.equals("main")) return new ResidualSpec(rewrite(r.main(), steps, i + 1, here, edit), r.shortcut(), r.postRelu(), r.bypassed());
            if (step.equals("shortcut") && r.hasShortcut())
                return new ResidualSpec(r.main(), rewrite(r.shortcut(), steps, i + 1, here, edit), r.postRelu(), r.bypassed());
        }
        child(cur, step, walked, null); // throws with the message
        throw new AssertionError();
    }
}
