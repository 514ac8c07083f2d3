package dev.lanes.engine.ternary;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.Workspace;
import dev.lanes.engine.conv.ConvShape;
import dev.lanes.engine.conv.Im2colConv;
import dev.lanes.engine.conv.VectorColumnOps;
import dev.lanes.engine.gemm.Gemm;

/**
 * The ternary kernels on the Vector API. The GEMM adds and subtracts whole rows of X under index lists of
 * each W row's plus and minus codes ({@link VectorTernaryGemm}); a linear layer with a batch of at least
 * {@link #GEMM_BATCH} transposes its input into such an X (the batch as columns) and its result back, a smaller
 * one runs masked dot products along the input ({@link VectorTernaryDots}). Convolution is the GEMM on
 * {@link Im2colConv}'s columns. Threads split rows of W (outputs), each computed by one thread, so bits do
 * not depend on the thread count; scratch is per thread and dispatch reuses {@link LoopTask}s, so a repeated
 * call allocates nothing. Load this class only when {@code jdk.incubator.vector} is present.
 *
 * <p>Why add and subtract rather than decode a panel of W into floats and reuse the float micro-kernel: that
 * route costs at least the float GEMM on the decoded weights (JMH {@code TernaryGemmBench}/{@code TernaryConvBench}
 * {@code float32}) plus the decode (0.8-1.5 ns per code, {@code TernaryBench}: 16-27 µs for the 64×288 conv
 * weight, 160-300 µs for 784×256), so it cannot beat the float kernel. The add/sub kernels measured 1.1-1.3× the
 * float time on the 14×14 conv (batch 1 and 64) and 1.35-1.5× on the 784→256 linear layer (2-core Xeon,
 * AVX-512), without multiplying by a weight and without a float copy of W.
 */
public final class VectorTernary implements TernaryKernels {
    /** Batches from here on take the transposed GEMM path (columns are the batch: at least one vector). */
    static final int GEMM_BATCH = VectorTernaryGemm.L;
    /** Minimum additions per parallel chunk, so waking a worker is worth it. */
    private static final long GRAIN = 1L << 18;
    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);
    private final TernaryConv conv;

    /** @param gemm the float GEMM the column machinery is built around (it does not run in the ternary forward) */
    public VectorTernary(Gemm gemm) {
        conv = new TernaryConv(this, new Im2colConv(gemm, new VectorColumnOps()));
    }

    @Override
    public void gemm(int m, int n, int k, int[] codes, float[] scales, boolean perRow, float[] bias,
                     float[] x, int xOff, int ldx, boolean accumulate, float[] c, int cOff, int ldc) {
        TernaryChecks.gemm(m, n, k, codes, scales, perRow, bias, x, xOff, ldx, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        int grain = (int) Math.max(1, GRAIN / Math.max(1L, (long) n * k));
        if (Parallel.chunks(m, grain) == 1) {
            VectorTernaryGemm.rows(0, m, n, k, codes, scales, perRow, bias, x, xOff, ldx, accumulate, c, cOff, ldc);
        } else {
            TASKS.acquire().set(false, n, k, codes, scales, perRow, bias, x, xOff, ldx, accumulate, c, cOff, ldc)
                    .forRange(m, grain);
        }
    }

    @Override
    public void linear(int batch, int in, int out, int[] codes, float[] scales, boolean perRow, float[] bias,
                       float[] x, int xOff, float[] y, int yOff) {
        TernaryChecks.linear(batch, in, out, codes, scales, perRow, bias, x, xOff, y, yOff);
        if (batch == 0 || out == 0) return;
        if (batch >= GEMM_BATCH) {
            float[] xt = Workspace.floats(Workspace.TERNARY_IN, batch * in);
            float[] ct = Workspace.floats(Workspace.TERNARY_OUT, batch * out);
            transpose(x, xOff, batch, in, xt);
            gemm(out, batch, in, codes, scales, perRow, bias, xt, 0, batch, false, ct, 0, batch);
            transpose(ct, 0, out, batch, y, yOff);
            return;
        }
        int grain = (int) Math.max(1, GRAIN / Math.max(1L, (long) batch * in));
        if (Parallel.chunks(out, grain) == 1) {
            VectorTernaryDots.outputs(0, out, batch, in, out, codes, scales, perRow, bias, x, xOff, y, yOff);
        } else {
            TASKS.acquire().set(true, batch, in, codes, scales, perRow, bias, x, xOff, out, false, y, yOff, out)
                    .forRange(out, grain);
        }
    }

    /** dst[c][r] = src[srcOff + r*cols + c] for a rows×cols source. */
    private static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst) {
        transpose(src, srcOff, rows, cols, dst, 0);
    }

    private static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        // in 8×8 blocks, so both sides walk cache lines rather than one of them striding through memory
        for (int r0 = 0; r0 < rows; r0 += 8) {
            int r1 = Math.min(rows, r0 + 8);
            for (int c0 = 0; c0 < cols; c0 += 8) {
                int c1 = Math.min(cols, c0 + 8);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) dst[dstOff + c * rows + r] = src[srcOff + r * cols + c];
                }
            }
        }
    }

    @Override
    public void convForward(ConvShape s, float[] x, int xOff, int[] codes, float[] scales, boolean perRow, float[] bias,
                            float[] y, int yOff) {
        conv.forward(s, x, xOff, codes, scales, perRow, bias, y, yOff);
    }

    @Override
    public String toString() {
        return "vector-" + VectorTernaryGemm.S.vectorBitSize();
    }

    /** As in {@link ScalarTernary}: a GEMM over rows, or a small-batch linear layer over outputs. */
    private static final class Task extends LoopTask {
        private boolean linear, perRow, accumulate;
        private int n, k, xOff, ldx, cOff, ldc;
        private int[] codes;
        private float[] scales, bias, x, c;

        Task set(boolean linear, int n, int k, int[] codes, float[] scales, boolean perRow, float[] bias,
                 float[] x, int xOff, int ldx, boolean accumulate, float[] c, int cOff, int ldc) {
            this.linear = linear; this.n = n; this.k = k; this.codes = codes; this.scales = scales; this.perRow = perRow;
            this.bias = bias; this.x = x; this.xOff = xOff; this.ldx = ldx; this.accumulate = accumulate;
            this.c = c; this.cOff = cOff; this.ldc = ldc;
            return this;
        }

        @Override
        public void run(int chunk, int from, int to) {
            if (linear) VectorTernaryDots.outputs(from, to, n, k, ldx, codes, scales, perRow, bias, x, xOff, c, cOff);
            else VectorTernaryGemm.rows(from, to, n, k, codes, scales, perRow, bias, x, xOff, ldx, accumulate, c, cOff, ldc);
        }

        @Override
        protected void clear() {
            codes = null;
            scales = bias = x = c = null;
        }
    }
}
