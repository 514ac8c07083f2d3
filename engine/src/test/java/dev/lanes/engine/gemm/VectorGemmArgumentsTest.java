package dev.lanes.engine.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** Bad arguments are refused with messages that name the shapes; degenerate sizes behave like BLAS. */
class VectorGemmArgumentsTest {
    private final Gemm gemm = new VectorGemm();

    private IllegalArgumentException refused(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run);
    }

    @Test
    void negativeSizesNameTheSizes() {
        float[] x = new float[16];
        String msg = refused(() -> gemm.sgemm(false, false, -1, 2, 3, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2)).getMessage();
        assertTrue(msg.contains("m=-1") && msg.contains("n=2") && msg.contains("k=3"), msg);
        msg = refused(() -> gemm.sgemm(false, false, 2, 2, -4, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2)).getMessage();
        assertTrue(msg.contains("k=-4"), msg);
    }

    @Test
    void leadingDimensionTooSmallNamesOperandAndShapes() {
        float[] x = new float[100];
        String msg = refused(() -> gemm.sgemm(false, false, 3, 5, 4, 1f, x, 0, 3, x, 0, 5, 0f, x, 0, 5)).getMessage();
        assertTrue(msg.contains("leading dimension of A") && msg.contains("op(A) 3x4") && msg.contains("C 3x5"), msg);
        msg = refused(() -> gemm.sgemm(false, true, 3, 5, 4, 1f, x, 0, 4, x, 0, 3, 0f, x, 0, 5)).getMessage();
        assertTrue(msg.contains("leading dimension of B") && msg.contains("B stored 5x4"), msg);
        msg = refused(() -> gemm.sgemm(true, false, 3, 5, 4, 1f, x, 0, 3, x, 0, 5, 0f, x, 0, 4)).getMessage();
        assertTrue(msg.contains("leading dimension of C") && msg.contains("A stored 4x3"), msg);
    }

    @Test
    void buffersTooShortNameTheOperand() {
        float[] a = new float[12], b = new float[20], c = new float[15], small = new float[11];
        String msg = refused(() -> gemm.sgemm(false, false, 3, 5, 4, 1f, small, 0, 4, b, 0, 5, 0f, c, 0, 5)).getMessage();
        assertTrue(msg.contains("sgemm A") && msg.contains("op(A) 3x4"), msg);
        msg = refused(() -> gemm.sgemm(false, false, 3, 5, 4, 1f, a, 0, 4, b, 1, 5, 0f, c, 0, 5)).getMessage();
        assertTrue(msg.contains("sgemm B") && msg.contains("op(B) 4x5"), msg);
        msg = refused(() -> gemm.sgemm(false, false, 3, 5, 4, 1f, a, 0, 4, b, 0, 5, 0f, c, 2, 5)).getMessage();
        assertTrue(msg.contains("sgemm C") && msg.contains("C 3x5"), msg);
        refused(() -> gemm.sgemm(false, false, 3, 5, 4, 1f, null, 0, 4, b, 0, 5, 0f, c, 0, 5));
        refused(() -> gemm.sgemm(false, false, 3, 5, 4, 1f, a, -1, 4, b, 0, 5, 0f, c, 0, 5));
    }

    @Test
    void emptyProductScalesCAndZeroBetaClearsNaN() {
        float[] c = {1f, Float.NaN, 3f, 4f};
        gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, c);
        float[] d = {1f, 2f, 3f, 4f};
        gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 2f, d, 0, 2);
        assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, d);
        // m == 0 or n == 0: nothing to write, even with a null-sized C
        gemm.sgemm(false, false, 0, 3, 2, 1f, new float[0], 0, 2, new float[6], 0, 3, 0f, new float[0], 0, 3);
    }

    @Test
    void alphaZeroDoesNotReadAB() {
        float[] a = {Float.NaN, Float.NaN}, b = {Float.NaN, Float.NaN}, c = {5f};
        gemm.sgemm(false, false, 1, 1, 2, 0f, a, 0, 2, b, 0, 1, 0.5f, c, 0, 1);
        assertEquals(2.5f, c[0]);
    }

    /** Steady state allocates only the parallel-for lambda: packing reuses the per-thread workspaces. */
    @Test
    void repeatedCallsAllocateAlmostNothing() throws ReflectiveOperationException {
        // Reflection because the engine module (which tests are compiled into) does not read java.management.
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        int m = 150, n = 170, k = 300;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        // Until C2 has compiled the kernels, every vector operation allocates; on a busy machine that can take
        // longer than a few calls. So keep the best of several windows: a real per-call allocation shows in all.
        long best = Long.MAX_VALUE;
        for (int window = 0; window < 15 && best >= 512; window++) {
            long before = (Long) allocated.invoke(bean);
            for (int i = 0; i < 20; i++) gemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
            best = Math.min(best, ((Long) allocated.invoke(bean) - before) / 20);
        }
        assertTrue(best < 512, "a steady-state call allocated " + best + " bytes in the best of 15 windows of 20 calls");
    }
}
