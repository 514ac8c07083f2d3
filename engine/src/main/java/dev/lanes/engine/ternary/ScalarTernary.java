package dev.lanes.engine.ternary;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.Workspace;
import dev.lanes.engine.conv.ConvShape;
import dev.lanes.engine.conv.Im2colConv;
import dev.lanes.engine.gemm.ScalarGemm;

/**
 * The plain-Java ternary kernels, the reference the Vector API twin is tested against (and what runs without
 * it). Per row of W and per code: a plus code adds row p of X to the plus sums of the row, a minus code to
 * its minus sums, a zero code does nothing; then each output is scale · (plus − minus) (+ bias). The sums
 * are two rows of per-thread scratch, so a repeated call allocates nothing.
 */
public final class ScalarTernary implements TernaryKernels {
    /** Minimum additions per parallel chunk, so waking a worker is worth it. */
    private static final long GRAIN = 1L << 16;
    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);
    private final TernaryConv conv = new TernaryConv(this, new Im2colConv(new ScalarGemm()));

    @Override
    public void gemm(int m, int n, int k, int[] codes, float[] scales, boolean perRow, float[] bias,
                     float[] x, int xOff, int ldx, boolean accumulate, float[] c, int cOff, int ldc) {
        TernaryChecks.gemm(m, n, k, codes, scales, perRow, bias, x, xOff, ldx, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        int grain = (int) Math.max(1, GRAIN / Math.max(1L, (long) n * k));
        if (Parallel.chunks(m, grain) == 1) {
            rows(0, m, n, k, codes, scales, perRow, bias, x, xOff, ldx, accumulate, c, cOff, ldc);
        } else {
            TASKS.acquire().set(false, n, k, codes, scales, perRow, bias, x, xOff, ldx, accumulate, c, cOff, ldc)
                    .forRange(m, grain);
        }
    }

    /** Rows [i0, i1) of C. */
    static void rows(int i0, int i1, int n, int k, int[] codes, float[] scales, boolean perRow, float[] bias,
                     float[] x, int xOff, int ldx, boolean accumulate, float[] c, int cOff, int ldc) {
        float[] sums = Workspace.floats(Workspace.SCRATCH, 2 * n); // plus sums, then minus sums
        for (int i = i0; i < i1; i++) {
            java.util.Arrays.fill(sums, 0, 2 * n, 0f);
            for (int p = 0; p < k; p++) {
                int code = TernaryCodes.get(codes, i * k + p);
                if (code == TernaryCodes.ZERO) continue;
                int at = code == TernaryCodes.PLUS ? 0 : n, xp = xOff + p * ldx;
                for (int j = 0; j < n; j++) sums[at + j] += x[xp + j];
            }
            float scale = scales[perRow ? i : 0];
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float v = (sums[j] - sums[n + j]) * scale;
                if (bias != null) v += bias[i];
                c[ci + j] = accumulate ? c[ci + j] + v : v;
            }
        }
    }

    @Override
    public void linear(int batch, int in, int out, int[] codes, float[] scales, boolean perRow, float[] bias,
                       float[] x, int xOff, float[] y, int yOff) {
        TernaryChecks.linear(batch, in, out, codes, scales, perRow, bias, x, xOff, y, yOff);
        if (batch == 0 || out == 0) return;
        int grain = (int) Math.max(1, GRAIN / Math.max(1L, (long) batch * in));
        if (Parallel.chunks(out, grain) == 1) {
            outputs(0, out, batch, in, out, codes, scales, perRow, bias, x, xOff, y, yOff);
        } else {
            TASKS.acquire().set(true, batch, in, codes, scales, perRow, bias, x, xOff, out, false, y, yOff, out)
                    .forRange(out, grain);
        }
    }

    /** Outputs [o0, o1) of every sample: a dot product of a code row with an input row. */
    static void outputs(int o0, int o1, int batch, int in, int out, int[] codes, float[] scales, boolean perRow,
                        float[] bias, float[] x, int xOff, float[] y, int yOff) {
        for (int o = o0; o < o1; o++) {
            float scale = scales[perRow ? o : 0];
            for (int b = 0; b < batch; b++) {
                float plus = 0f, minus = 0f;
                int xb = xOff + b * in;
                for (int p = 0; p < in; p++) {
                    int code = TernaryCodes.get(codes, o * in + p);
                    if (code == TernaryCodes.PLUS) plus += x[xb + p];
                    else if (code == TernaryCodes.MINUS) minus += x[xb + p];
                }
                float v = (plus - minus) * scale;
                y[yOff + b * out + o] = bias == null ? v : v + bias[o];
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
        return "scalar";
    }

    /**
     * The arguments of one parallel call (a GEMM over rows, or with {@code linear} a linear layer over
     * outputs, n = batch, k = in, ldx = out), reused so that dispatch allocates nothing.
     */
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
            if (linear) outputs(from, to, n, k, ldx, codes, scales, perRow, bias, x, xOff, c, cOff);
            else rows(from, to, n, k, codes, scales, perRow, bias, x, xOff, ldx, accumulate, c, cOff, ldc);
        }

        @Override
        protected void clear() {
            codes = null;
            scales = bias = x = c = null;
        }
    }
}
