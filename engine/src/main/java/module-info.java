/** Lanes engine: tensors and SIMD kernels (Vector API with scalar fallbacks). */
module dev.lanes.engine {
    requires jdk.incubator.vector;

    exports dev.lanes.engine;
    exports dev.lanes.engine.gemm;
    exports dev.lanes.engine.conv;
    exports dev.lanes.engine.norm;
    exports dev.lanes.engine.activation;
    exports dev.lanes.engine.pool;
    exports dev.lanes.engine.loss;
    exports dev.lanes.engine.elementwise;
    exports dev.lanes.engine.ternary;
    exports dev.lanes.engine.bench;
}
