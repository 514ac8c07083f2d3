package dev.lanes.engine;

import dev.lanes.engine.activation.ActivationKernels;
import dev.lanes.engine.conv.ConvKernels;
import dev.lanes.engine.elementwise.ElementwiseKernels;
import dev.lanes.engine.gemm.Gemm;
import dev.lanes.engine.loss.LossKernels;
import dev.lanes.engine.norm.BatchNormKernels;
import dev.lanes.engine.pool.PoolingKernels;
import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * The kernel provider, chosen once when this class loads: the Vector API set when the
 * {@code jdk.incubator.vector} module is in the boot layer, the scalar set otherwise, announced in one log
 * line. Classes that touch {@code jdk.incubator.vector} are only ever loaded through
 * {@code VectorKernelSets}, by reflection, so this class works on a JVM without the module.
 *
 * <p>The system property {@code lanes.kernels=scalar} forces the scalar set.
 */
public final class Kernels {
    private static final System.Logger LOG = System.getLogger("dev.lanes");
    private static final Optional<KernelSet> VECTOR = loadVector();
    private static final KernelSet ACTIVE = choose();

    private Kernels() {}

    private static Optional<KernelSet> loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return Optional.empty();
        try {
            Object set = Class.forName("dev.lanes.engine.VectorKernelSets").getMethod("create").invoke(null);
            return Optional.ofNullable((KernelSet) set);
        } catch (InvocationTargetException e) {
            LOG.log(System.Logger.Level.WARNING, "Vector API kernels failed to initialise; using scalar kernels", e.getCause());
            return Optional.empty();
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "Vector API kernels unavailable (" + e + "); using scalar kernels");
            return Optional.empty();
        }
    }

    private static KernelSet choose() {
        boolean forceScalar = "scalar".equalsIgnoreCase(System.getProperty("lanes.kernels", ""));
        KernelSet set = forceScalar ? KernelSet.scalar() : VECTOR.orElse(KernelSet.scalar());
        String why = forceScalar ? " (forced by -Dlanes.kernels=scalar)"
                : VECTOR.isEmpty() ? " (jdk.incubator.vector not present; run with --add-modules jdk.incubator.vector)" : "";
        LOG.log(System.Logger.Level.INFO, "Lanes kernels: " + set.name() + why);
        return set;
    }

    /** The set in use. */
    public static KernelSet active() { return ACTIVE; }

    /** The Vector API set, if this JVM has the incubator module (whether or not it is the active one). */
    public static Optional<KernelSet> vector() { return VECTOR; }

    /** Whether the active set is the Vector API one. */
    public static boolean vectorized() { return ACTIVE != KernelSet.scalar(); }

    public static Gemm gemm() { return ACTIVE.gemm(); }

    public static ConvKernels conv() { return ACTIVE.conv(); }

    public static BatchNormKernels batchNorm() { return ACTIVE.batchNorm(); }

    public static ActivationKernels activation() { return ACTIVE.activation(); }

    public static PoolingKernels pooling() { return ACTIVE.pooling(); }

    public static LossKernels loss() { return ACTIVE.loss(); }

    public static ElementwiseKernels elementwise() { return ACTIVE.elementwise(); }
}
