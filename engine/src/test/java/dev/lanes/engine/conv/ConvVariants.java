package dev.lanes.engine.conv;

import dev.lanes.engine.gemm.ScalarGemm;
import dev.lanes.engine.gemm.VectorGemm;
import java.util.List;

/**
 * Every configuration of Im2colConv the kernel sets use, the mixed one, and tiny column bands (the
 * production band only splits images far larger than the random test shapes).
 */
final class ConvVariants {
    private ConvVariants() {}

    static List<Im2colConv> all() {
        return List.of(new Im2colConv(new ScalarGemm()),
                new Im2colConv(new VectorGemm(), new VectorColumnOps()),
                new Im2colConv(new VectorGemm()),
                // banded and per-image paths: batching off
                new Im2colConv(new ScalarGemm(), ColumnOps.SCALAR, 40, 1),
                new Im2colConv(new VectorGemm(), new VectorColumnOps(), 100, 1),
                new Im2colConv(new VectorGemm(), new VectorColumnOps(), Im2colConv.BAND_FLOATS, 1),
                // several small batches and a shorter last one
                new Im2colConv(new VectorGemm(), new VectorColumnOps(), Im2colConv.BAND_FLOATS, 20));
    }
}
