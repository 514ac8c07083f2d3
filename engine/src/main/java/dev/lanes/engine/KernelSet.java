package dev.lanes.engine;

import dev.lanes.engine.activation.ActivationKernels;
import dev.lanes.engine.activation.ScalarActivation;
import dev.lanes.engine.conv.ConvKernels;
import dev.lanes.engine.conv.Im2colConv;
import dev.lanes.engine.elementwise.ElementwiseKernels;
import dev.lanes.engine.elementwise.ScalarElementwise;
import dev.lanes.engine.gemm.Gemm;
import dev.lanes.engine.gemm.ScalarGemm;
import dev.lanes.engine.loss.LossKernels;
import dev.lanes.engine.loss.ScalarLoss;
import dev.lanes.engine.norm.BatchNormKernels;
import dev.lanes.engine.norm.ScalarBatchNorm;
import dev.lanes.engine.pool.PoolingKernels;
import dev.lanes.engine.pool.ScalarPooling;
import dev.lanes.engine.ternary.ScalarTernary;
import dev.lanes.engine.ternary.TernaryKernels;

/**
 * One implementation of every kernel family. {@link #scalar()} is the plain-Java reference set; the Vector
 * API set is built by {@code VectorKernelSets} and handed out by {@link Kernels}.
 *
 * @param name a short label for logs and benchmark output ("scalar", "vector-256")
 */
public record KernelSet(String name, Gemm gemm, ConvKernels conv, BatchNormKernels batchNorm,
                        ActivationKernels activation, PoolingKernels pooling, LossKernels loss,
                        ElementwiseKernels elementwise, TernaryKernels ternary) {

    private static final KernelSet SCALAR = new KernelSet("scalar", new ScalarGemm(), new Im2colConv(new ScalarGemm()),
            new ScalarBatchNorm(), new ScalarActivation(), new ScalarPooling(), new ScalarLoss(), new ScalarElementwise(),
            new ScalarTernary());

    /** The scalar reference kernels, available on every JVM. */
    public static KernelSet scalar() {
        return SCALAR;
    }
}
