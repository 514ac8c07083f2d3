package dev.lanes.engine;

import dev.lanes.engine.activation.ActivationKernels;
import dev.lanes.engine.conv.ConvKernels;
import dev.lanes.engine.elementwise.ElementwiseKernels;
import dev.lanes.engine.gemm.Gemm;
import dev.lanes.engine.loss.LossKernels;
import dev.lanes.engine.norm.BatchNormKernels;
import dev.lanes.engine.pool.PoolingKernels;
import dev.lanes.engine.ternary.TernaryKernels;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.module.ModuleFinder;
import java.util.Optional;

/**
 * The kernel provider, chosen once when this class loads: the Vector API set when the
 * {@code jdk.incubator.vector} module is in this runtime's module graph, the scalar set otherwise, announced
 * in one log line (which names {@code --add-modules jdk.incubator.vector} when the module is missing).
 *
 * <p>The engine only {@code requires static} the incubator module, so it resolves without it: on a jlinked
 * runtime that lacks the module, or on a module path run without {@code --add-modules}. When the module is
 * there, this class looks it up in the engine's own layer (the boot layer on the class path), adds the read
 * edge to it, and only then loads {@code VectorKernelSets}, the one class that reaches the Vector API kernels;
 * nothing else refers to them, so a JVM without the module never loads a class that needs it.
 *
 * <p>The system property {@code lanes.kernels=scalar} forces the scalar set.
 */
public final class Kernels {
    private static final System.Logger LOG = System.getLogger("dev.lanes");
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Probe PROBE = probe();
    private static final KernelSet ACTIVE = choose();

    private Kernels() {}

    /** The Vector API set if it could be built, else why not (for the log line). */
    private record Probe(Optional<KernelSet> vector, String whyNot) {}

    private static Probe probe() {
        Optional<Module> module = vectorModule();
        if (module.isEmpty()) {
            boolean linkedIn = ModuleFinder.ofSystem().find(VECTOR_MODULE).isPresent();
            return new Probe(Optional.empty(), VECTOR_MODULE + " is not in this runtime's module graph; "
                    + (linkedIn ? "" : "this runtime lacks it, so jlink it in and ")
                    + "start the JVM with --add-modules " + VECTOR_MODULE + " for the Vector API kernels");
        }
        // a no-op on the class path; on the module path the optional dependence may not have become a read edge
        Kernels.class.getModule().addReads(module.get());
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle create = lookup.findStatic(lookup.findClass("dev.lanes.engine.VectorKernelSets"), "create",
                    MethodType.methodType(KernelSet.class));
            KernelSet set = (KernelSet) create.invoke();
            return set != null ? new Probe(Optional.of(set), "")
                    : new Probe(Optional.empty(), "the preferred vector species has fewer than 4 float lanes");
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Vector API kernels failed to initialise; using scalar kernels", e);
            return new Probe(Optional.empty(), "the Vector API kernels failed to initialise: " + e);
        } catch (Throwable e) {
            throw new AssertionError("unexpected failure building the Vector API kernels", e);
        }
    }

    /** The incubator module as seen from the engine: in its own layer (or a parent), or the boot layer when unnamed. */
    private static Optional<Module> vectorModule() {
        ModuleLayer layer = Kernels.class.getModule().getLayer();
        return (layer != null ? layer : ModuleLayer.boot()).findModule(VECTOR_MODULE);
    }

    private static KernelSet choose() {
        boolean forceScalar = "scalar".equalsIgnoreCase(System.getProperty("lanes.kernels", ""));
        KernelSet set = forceScalar ? KernelSet.scalar() : PROBE.vector().orElse(KernelSet.scalar());
        String why = forceScalar ? " (forced by -Dlanes.kernels=scalar)" : PROBE.vector().isEmpty() ? " (" + PROBE.whyNot() + ")" : "";
        LOG.log(System.Logger.Level.INFO, "Lanes kernels: " + set.name() + why);
        return set;
    }

    /** The set in use. */
    public static KernelSet active() { return ACTIVE; }

    /** The Vector API set, if this JVM has the incubator module (whether or not it is the active one). */
    public static Optional<KernelSet> vector() { return PROBE.vector(); }

    /** Whether the active set is the Vector API one. */
    public static boolean vectorized() { return ACTIVE != KernelSet.scalar(); }

    public static Gemm gemm() { return ACTIVE.gemm(); }

    public static ConvKernels conv() { return ACTIVE.conv(); }

    public static BatchNormKernels batchNorm() { return ACTIVE.batchNorm(); }

    public static ActivationKernels activation() { return ACTIVE.activation(); }

    public static PoolingKernels pooling() { return ACTIVE.pooling(); }

    public static LossKernels loss() { return ACTIVE.loss(); }

    public static ElementwiseKernels elementwise() { return ACTIVE.elementwise(); }

    public static TernaryKernels ternary() { return ACTIVE.ternary(); }
}
