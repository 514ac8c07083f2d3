package dev.lanes.training.methods;

import dev.lanes.training.TrainingMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The registry of training methods by name, for {@code lanes train --method NAME[:key=value,...]} and the
 * experiments. A new method adds one line to {@link #REGISTRY}.
 */
public final class Methods {
    private static final Map<String, Function<MethodSpec, TrainingMethod>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(FreezePrefix.NAME, FreezePrefix::of);
        REGISTRY.put(Constrained.NAME, Constrained::of);
        REGISTRY.put(Freeze.NAME, Freeze::of);
        REGISTRY.put(FreezeOut.NAME, FreezeOut::of);
        REGISTRY.put(Rescale.NAME, Rescale::of);
        REGISTRY.put(Distill.NAME, Distill::of);
        REGISTRY.put(Factorise.NAME, Factorise::of);
        REGISTRY.put(Prune.NAME, Prune::of);
    }

    private Methods() {}

    public static List<String> names() { return List.copyOf(REGISTRY.keySet()); }

    /** Builds the method {@code spec} names; an unknown name or bad option is an IllegalArgumentException. */
    public static TrainingMethod create(MethodSpec spec) {
        Function<MethodSpec, TrainingMethod> f = REGISTRY.get(spec.name());
        if (f == null) {
            throw new IllegalArgumentException("unknown method '" + spec.name() + "'; known: " + String.join(", ", names()));
        }
        return f.apply(spec);
    }

    public static TrainingMethod create(String text) { return create(MethodSpec.parse(text)); }
}
