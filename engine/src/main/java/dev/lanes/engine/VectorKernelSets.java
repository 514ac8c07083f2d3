package dev.lanes.engine;

import dev.lanes.engine.activation.VectorActivation;
import dev.lanes.engine.conv.Im2colConv;
import dev.lanes.engine.conv.VectorColumnOps;
import dev.lanes.engine.elementwise.VectorElementwise;
import dev.lanes.engine.gemm.VectorGemm;
import dev.lanes.engine.loss.VectorLoss;
import dev.lanes.engine.norm.VectorBatchNorm;
import dev.lanes.engine.pool.VectorPooling;
import dev.lanes.engine.ternary.VectorTernary;
import jdk.incubator.vector.FloatVector;

/**
 * Builds the Vector API kernel set. Loaded only by {@link Kernels}, through a method handle, after it has
 * found the {@code jdk.incubator.vector} module and made the engine read it: nothing else may reference this
 * class, or a runtime without the module would fail to load it.
 */
final class VectorKernelSets {
    private VectorKernelSets() {}

    /** The Vector API set, or null where the preferred species is too narrow to beat scalar code. */
    public static KernelSet create() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        if (lanes < 4) return null;
        VectorGemm gemm = new VectorGemm();
        return new KernelSet("vector-" + FloatVector.SPECIES_PREFERRED.vectorBitSize(), gemm, new Im2colConv(gemm, new VectorColumnOps()),
                new VectorBatchNorm(), new VectorActivation(), new VectorPooling(), new VectorLoss(), new VectorElementwise(),
                new VectorTernary(gemm));
    }
}
