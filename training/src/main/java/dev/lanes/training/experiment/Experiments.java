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
        add(new DistillExperiment());
        add(new LowRankExperiment());
        add(new CompactExperiment());
        add(new CompositionExperiment());
    }

    private Experiments() {}

    private static void add(Experiment e) { REGISTRY.put(e.name(), e); }

    public static List<String> names() { return List.copyOf(REGISTRY.keySet()); }

    public static List<Experiment> all() { return List.copyOf(REGISTRY.values()); }

    /** {@code e} with its method arm running {@code methods} instead; everything else (arms, models, claims, defaults) is e's. */
    public static Experiment withMethods(Experiment e, List<dev.lanes.training.methods.MethodSpec> methods) {
        return with(e, List.copyOf(methods), null);
    }

    /** {@code e} with every arm training with Adam + L2 coefficient {@code l2} instead of e's; everything else is e's. */
    public static Experiment withL2(Experiment e, double l2) {
        if (!(l2 >= 0) || Double.isInfinite(l2)) throw new IllegalArgumentException("the L2 coefficient must be finite and >= 0 but is " + l2);
        return with(e, null, l2);
    }

    /** e with the methods and the L2 coefficient replaced where not null. */
    private static Experiment with(Experiment e, List<dev.lanes.training.methods.MethodSpec> methods, Double l2) {
        return new Experiment() {
            @Override public String name() { return e.name(); }
            @Override public String description() { return e.description(); }
            @Override public String methodArmName() { return e.methodArmName(); }
            @Override public double l2(ExperimentOptions o) { return l2 != null ? l2 : e.l2(o); }
            @Override public List<dev.lanes.training.methods.MethodSpec> methods(ExperimentOptions o) { return methods != null ? methods : e.methods(o); }
            @Override public String methodModel(ExperimentOptions o) { return e.methodModel(o); }
            @Override public List<Claim> claims(ExperimentOptions o, ArmResult b, ArmResult m) { return e.claims(o, b, m); }
            @Override public List<Claim> claims(ExperimentOptions o, ArmResult b, ArmResult m, List<ArmResult> others) { return e.claims(o, b, m, others); }
            @Override public Map<String, List<dev.lanes.training.methods.MethodSpec>> otherArms(ExperimentOptions o) { return e.otherArms(o); }
            @Override public Map<String, Object> armFields(ArmResult b, ArmResult arm) { return e.armFields(b, arm); }
            @Override public ExperimentOptions defaults(ExperimentOptions c) { return e.defaults(c); }
        };
    }

    /** The compact experiment with its method arm training {@code twin} (e.g. gap-cnn-ds-w1.7) instead of the default twin. */
    public static Experiment compactWithTwin(String twin) { return new CompactExperiment(twin); }

    public static Experiment get(String name) {
        Experiment e = REGISTRY.get(name);
        if (e == null) throw new IllegalArgumentException("unknown experiment '" + name + "'; known: " + String.join(", ", names()));
        return e;
    }
}
