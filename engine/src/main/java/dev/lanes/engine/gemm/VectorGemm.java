package dev.lanes.engine.gemm;

import static dev.lanes.engine.gemm.VectorMicroKernel.MR;
import static dev.lanes.engine.gemm.VectorMicroKernel.NR;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.Workspace;

/**
 * BLIS-style SGEMM on the Vector API. Loops, outermost first: column blocks of NC (B block packed), k blocks
 * of KC, row blocks of MC (A block packed, alpha folded in), then NR-wide B strips and MR-high A strips fed
 * to {@link VectorMicroKernel}. A B strip (KC×NR, 20 KB on AVX2) stays in L1 while the MC×KC block of A
 * (160 KB) streams from L2.
 *
 * <p>Threads split C by columns (or by rows when C is too narrow); k is never split, and block boundaries in
 * k depend only on k, so every element of C is the same sum in the same order whatever the thread count:
 * results are bit-identical across runs and thread counts. Packing goes to per-thread {@link Workspace}
 * buffers and parallel loops are reusable per-thread {@link LoopTask}s, so a repeated call allocates nothing.
 */
public final class VectorGemm implements Gemm {
    /**
     * Depth of a packed block: a KC×NR B strip fits L1. 320 rather than 256 so that k = 288 (3×3×32 conv
     * columns) is one block: measured 73 vs 69 GFLOPS on 64×196×288, unchanged at 1024.
     */
    static final int KC = 320;
    /** Rows of A packed at once: an MC×KC block fits L2. */
    static final int MC = 128;
    /** Columns of B packed at once. */
    static final int NC = 4096;
    /**
     * Below this many multiply-adds (or with m < MR) the unpacked {@link GemmSmall} paths win: packing would
     * cost as much as the product. (TT has no unpacked path and always packs.)
     */
    static final long SMALL = 32L * 32 * 32;
    /** Minimum multiply-adds per parallel chunk, so waking a worker is worth it. */
    private static final long GRAIN_FLOPS = 1L << 20;
    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            // BLAS convention: op(A)op(B) contributes nothing, A and B are not read.
            GemmSmall.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        long work = (long) m * n * k;
        if ((work < SMALL || m < MR) && !(transA && transB)) {
            unpacked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, work);
            return;
        }
        int colStrips = (n + NR - 1) / NR, rowStrips = (m + MR - 1) / MR;
        int threads = Parallel.threads();
        if (colStrips >= 2 * threads || colStrips >= rowStrips) {
            int grain = (int) Math.max(1, GRAIN_FLOPS / ((long) m * k * NR));
            if (Parallel.chunks(colStrips, grain) == 1) {
                // One chunk: what forRange would run inline, without taking a task.
                blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                TASKS.acquire().set(Task.COLUMNS, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                        beta, c, cOff, ldc).forRange(colStrips, grain);
            }
        } else {
            int grain = (int) Math.max(1, GRAIN_FLOPS / ((long) n * k * MR));
            if (Parallel.chunks(rowStrips, grain) == 1) {
                blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                TASKS.acquire().set(Task.ROWS, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                        beta, c, cOff, ldc).forRange(rowStrips, grain);
            }
        }
    }

    /** The {@link GemmSmall} paths, split over columns of C when there is enough work. */
    private static void unpacked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc, long work) {
        int unit = VectorMicroKernel.L, units = (n + unit - 1) / unit;
        int grain = work < SMALL ? units : (int) Math.max(1, GRAIN_FLOPS / ((long) m * k * unit));
        if (Parallel.chunks(units, grain) == 1) {
            unpackedColumns(transA, transB, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            TASKS.acquire().set(Task.UNPACKED, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc).forRange(units, grain);
        }
    }

    /** Columns [j0, j1) of C by the unpacked path for the storage orders. */
    private static void unpackedColumns(boolean transA, boolean transB, int m, int j0, int j1, int k, float alpha,
                                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                        float beta, float[] c, int cOff, int ldc) {
        if (transB) {
            GemmSmall.rowDots(m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            GemmSmall.rowsTimesB(transA, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * The arguments of one parallel call, reused so that dispatch allocates nothing (see {@link LoopTask}).
     * {@link #run} copies the fields into locals and hands them to the static kernels as plain parameters:
     * no vector loop reads its operands from this object's fields.
     */
    private static final class Task extends LoopTask {
        /** Chunks are NR-wide column strips, MR-high row strips, or L-wide columns of the unpacked path. */
        static final int COLUMNS = 0, ROWS = 1, UNPACKED = 2;
        private int op, m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        private boolean transA, transB;
        private float alpha, beta;
        private float[] a, b, c;

        Task set(int op, boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            this.op = op; this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k;
            this.alpha = alpha; this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff;
            this.ldb = ldb; this.beta = beta; this.c = c; this.cOff = cOff; this.ldc = ldc;
            return this;
        }

        @Override
        public void run(int chunk, int s0, int s1) {
            boolean tA = transA, tB = transB;
            int m = this.m, n = this.n, k = this.k, aOff = this.aOff, lda = this.lda, bOff = this.bOff;
            int ldb = this.ldb, cOff = this.cOff, ldc = this.ldc;
            float alpha = this.alpha, beta = this.beta;
            float[] a = this.a, b = this.b, c = this.c;
            switch (op) {
                case COLUMNS -> blocked(tA, tB, 0, m, s0 * NR, Math.min(n, s1 * NR), k, alpha,
                        a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                case ROWS -> blocked(tA, tB, s0 * MR, Math.min(m, s1 * MR), 0, n, k, alpha,
                        a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                default -> {
                    int unit = VectorMicroKernel.L;
                    unpackedColumns(tA, tB, m, s0 * unit, Math.min(n, s1 * unit), k, alpha,
                            a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            }
        }

        @Override
        protected void clear() {
            a = b = c = null;
        }
    }

    /** C[i0, i1) × [j0, j1) on the calling thread, with its own packing buffers. */
    private static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        // Even block sizes (k=700 -> 3×234, not 320+320+60); kc depends on k alone, for reproducibility.
        int kc = evenBlock(k, KC, 1);
        int mc = evenBlock(i1 - i0, MC, MR);
        int nc = evenBlock(j1 - j0, NC, NR);
        float[] bPack = Workspace.floats(Workspace.GEMM_B, kc * roundUp(nc, NR));
        int aSize = kc * roundUp(mc, MR);
        // The A buffer's tail holds the scratch tile for partial edge tiles.
        float[] aPack = Workspace.floats(Workspace.GEMM_A, aSize + MR * NR);
        for (int jc = j0; jc < j1; jc += nc) {
            int ncb = Math.min(nc, j1 - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                // The first k block applies beta; later ones accumulate onto what it wrote.
                float betaBlock = pc == 0 ? beta : 1f;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kcb, jc, ncb, bPack);
                for (int ic = i0; ic < i1; ic += mc) {
                    int mcb = Math.min(mc, i1 - ic);
                    GemmPacking.packA(transA, alpha, a, aOff, lda, ic, mcb, pc, kcb, aPack);
                    macroKernel(kcb, mcb, ncb, aPack, bPack, betaBlock, c, cOff + ic * ldc + jc, ldc, aSize);
                }
            }
        }
    }

    /** All tiles of one packed mc×kc A block times one packed kc×nc B block. */
    private static void macroKernel(int kc, int mc, int nc, float[] aPack, float[] bPack, float beta,
                                    float[] c, int cOff, int ldc, int scratch) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr), bo = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir), ao = ir * kc, co = cOff + ir * ldc + jr;
                if (rows == MR && cols == NR) {
                    VectorMicroKernel.tile(kc, aPack, ao, bPack, bo, beta, c, co, ldc);
                } else {
                    VectorMicroKernel.edge(kc, aPack, ao, bPack, bo, beta, c, co, ldc, rows, cols, aPack, scratch);
                }
            }
        }
    }

    /** Splits {@code total} into the fewest blocks of at most {@code max}, evened out, a multiple of {@code unit}. */
    static int evenBlock(int total, int max, int unit) {
        int blocks = (total + max - 1) / max;
        return roundUp((total + blocks - 1) / blocks, unit);
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
