package dev.lanes.training.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The experiments by name; a new method adds one line here. */
public final class Experiments {
    private static final Map<String, Experiment> REGISTRY = new LinkedHashMap<>();

    static {
        add(new BaselineExperiment());
        add(new FreezePrefixExperiment());
        add(new ConstrainedExperiment());
        add(new FreezeExperiment());
        add(new RescaleExperiment());
        add(new SparsityExperiment());
    }

    private Experiments() {}

    private static void add(Experiment e) { REGISTRY.put(e.name(), e); }

    public static List<String> names() { return List.copyOf(REGISTRY.keySet()); }

    public static List<Experiment> all() { return List.copyOf(REGISTRY.values()); }

    public static Experiment get(String name) {
        Experiment e = REGISTRY.get(name);
        if (e == null) throw new IllegalArgumentException("unknown experiment '" + name + "'; known: " + String.join(", ", names()));
        return e;
    }
}
