/**
 * Lanes engine: tensors and SIMD kernels (Vector API with scalar fallbacks).
 *
 * <p>{@code jdk.incubator.vector} is an optional dependence: without it (a runtime built by jlink without
 * the module, or a module path run without {@code --add-modules jdk.incubator.vector}) this module still
 * resolves and uses its scalar kernels; {@code dev.lanes.engine.Kernels} looks the module up at run time and
 * logs one line naming the flag that enables the Vector API kernels.
 *
 * <p>Every exported package is API except {@code dev.lanes.engine.bench}, which is the GEMM benchmark behind
 * {@code lanes bench gemm}, exported only to the modules that run it.
 */
@SuppressWarnings("module") // the qualified export names a module built after this one
module dev.lanes.engine {
    requires static jdk.incubator.vector;

    exports dev.lanes.engine;
    exports dev.lanes.engine.gemm;
    exports dev.lanes.engine.conv;
    exports dev.lanes.engine.norm;
    exports dev.lanes.engine.activation;
    exports dev.lanes.engine.pool;
    exports dev.lanes.engine.loss;
    exports dev.lanes.engine.elementwise;
    exports dev.lanes.engine.ternary;
    exports dev.lanes.engine.resize;
    exports dev.lanes.engine.bench to dev.lanes.training;
}
