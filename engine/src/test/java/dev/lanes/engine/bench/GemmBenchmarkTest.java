package dev.lanes.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Parallel;
import dev.lanes.engine.gemm.VectorGemm;
import org.junit.jupiter.api.Test;

/** The benchmark routine runs, reports sane numbers, restores the thread count and refuses bad arguments. */
class GemmBenchmarkTest {
    @Test
    void shortRunReportsPlausibleNumbers() {
        int before = Parallel.threads();
        GemmBenchmark.Result r = GemmBenchmark.run(new VectorGemm(), "vector", 48, 2, 0.05);
        assertEquals(before, Parallel.threads(), "thread count restored");
        assertTrue(r.runs() >= 5, r.toString());
        assertTrue(r.medianGflops() > 0 && r.bestGflops() >= r.medianGflops(), r.toString());
        assertEquals(2.0 * 48 * 48 * 48 / (r.medianMillis() * 1e6), r.medianGflops(), 1e-6 * r.medianGflops());
        String json = r.toJson();
        assertTrue(json.startsWith("{") && json.contains("\"n\":48") && json.contains("\"threads\":2")
                && json.contains("\"median_gflops\":") && json.contains("\"kernels\":\"vector\""), json);
    }

    @Test
    void badArgumentsAreRefused() {
        VectorGemm g = new VectorGemm();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmBenchmark.run(g, "v", 0, 1, 1))
                .getMessage().contains("n must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmBenchmark.run(g, "v", 8, 0, 1))
                .getMessage().contains("threads must be"));
        assertThrows(IllegalArgumentException.class, () -> GemmBenchmark.run(g, "v", 8, 1, 0));
    }
}
