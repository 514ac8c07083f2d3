package dev.lanes.nn.arch;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Named children run in order; a child's parameters live under {@code name.}. */
public record SequenceSpec(List<Child> children) implements LayerSpec {
    /** One named child. Names are non-empty and contain no dot (the path separator). */
    public record Child(String name, LayerSpec spec) {
        public Child {
            Objects.requireNonNull(spec, "child spec");
            if (name == null || name.isEmpty() || name.contains("."))
                throw new IllegalArgumentException("child name must be non-empty without '.', but was '" + name + "'");
        }
    }

    public SequenceSpec {
        children = List.copyOf(children);
        Set<String> seen = new HashSet<>();
        for (Child c : children)
            if (!seen.add(c.name())) throw new IllegalArgumentException("duplicate child name '" + c.name() + "' in sequence");
    }

    /** Children named "0", "1", ... in order. */
    public static SequenceSpec of(LayerSpec... specs) {
        Child[] kids = new Child[specs.length];
        for (int i = 0; i < specs.length; i++) kids[i] = new Child(Integer.toString(i), specs[i]);
        return new SequenceSpec(List.of(kids));
    }
}
