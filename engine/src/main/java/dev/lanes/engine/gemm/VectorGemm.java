package dev.lanes.engine.gemm;

import static dev.lanes.engine.gemm.VectorMicroKernel.MR;
import static dev.lanes.engine.gemm.VectorMicroKernel.NR;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.Workspace;

/**
 * Blocked SGEMM on the Vector API. Loops, outermost first: row blocks of up to MAX_ROWS, k blocks of KC
 * (all rows of the block of op(A) packed once, alpha folded in), column blocks of NC (a KC×NC B panel packed, 512 KB: stays in L2),
 * then MR-high A strips and, inside, NR-wide B strips fed to {@link VectorMicroKernel}. The A strip (KC×MR,
 * 8-24 KB) stays in L1, B strips stream from L2, and consecutive tiles walk along the same MR rows of C.
 * Measured on n = 1024 (2-core EPYC, alternating JVM runs, 10 each): mean 82 vs 80 GFLOPS on 1 thread
 * and 160 vs 154 on 2, against the BLIS order (B strip in L1, MC×KC A block in L2, 1 MB B panel in L3).
 * That order varied from run to run (74-88 GFLOPS on 1 thread); this one stays within 81-84, but its best
 * runs are lower (about 85 against 88). On a 2-core Xeon with AVX-512 (Sapphire Rapids class, 172 GFLOPS
 * peak per core), with the 12×2 tile and KC 512, this order runs n = 1024 at 142-150 GFLOPS on 1 thread
 * (85% of peak; OpenBLAS 0.3.21 SkylakeX kernel 153-158 in the same session) and 280-286 on 2 (OpenBLAS 305).
 *
 * <p>Threads split C by rows when each gets at least {@link #MC} of them (each packs only its rows of A and
 * its own B panels), otherwise by columns (or by rows when C is too narrow); k is never split, and block boundaries in
 * k depend only on k, so every element of C is the same sum in the same order whatever the thread count:
 * results are bit-identical across runs and thread counts. Packing goes to per-thread {@link Workspace}
 * buffers and parallel loops are reusable per-thread {@link LoopTask}s, so a repeated call allocates nothing.
 */
public final class VectorGemm implements Gemm {
    /**
     * Depth of a packed block. The A strip (KC×MR: 24 KB with 12 rows) stays in L1 while B strips stream
     * from L2; deeper blocks merge into C less often. Measured on n = 1024, 1 thread, 12×2 tile (k = 1024
     * then splits into 4×256, 3×342 or 2×512): KC 320 137-142, 384 143-145, 512 145-150 GFLOPS. (With the
     * old 4×2 tile, 320 rather than 256 made k = 288, 3×3×32 conv columns, one block: 73 vs 69 GFLOPS on
     * 64×196×288; it still is one.)
     */
    static final int KC = 512;
    /** Minimum rows of C per thread for the row split of large products. */
    static final int MC = 128;
    /** {@link #MC} in MR-high row strips. */
    private static final int MC_STRIPS = (MC + MR - 1) / MR;
    /** Fewer rows than this take the unpacked path: a 4-row kernel finishes short strips (see VectorMicroKernel.edge). */
    static final int MIN_PACKED_ROWS = VectorMicroKernel.MR_SMALL;
    /** Most rows of A packed at once (a 2.5 MB panel at most), bounding the buffer for tall products. */
    static final int MAX_ROWS = 2048;
    /**
     * Columns of B packed at once: a KC×NC panel (512 KB) fits L2 beside the A panel. n = 1024, 1 thread,
     * KC 512: NC 256 145-147, 512 132-148, 1024 (a 2 MB panel, all of L2) 111-120 GFLOPS.
     */
    static final int NC = 256;
    /**
     * Below this many multiply-adds (or with m < MIN_PACKED_ROWS) the unpacked {@link GemmSmall} paths win: packing would
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
        if ((work < SMALL || m < MIN_PACKED_ROWS) && !(transA && transB)) {
            unpacked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, work);
            return;
        }
        int colStrips = (n + NR - 1) / NR, rowStrips = (m + MR - 1) / MR;
        int threads = Parallel.threads();
        if (threads > 1 && rowStrips >= threads * MC_STRIPS && colStrips >= 2 * threads) {
            // Large C: whole row blocks per thread, so no thread packs another's rows of A.
            TASKS.acquire().set(Task.ROWS, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc).forRange(rowStrips, MC_STRIPS);
        } else if (colStrips >= 2 * threads || colStrips >= rowStrips) {
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
        int nc = evenBlock(j1 - j0, NC, NR);
        int mc = evenBlock(i1 - i0, MAX_ROWS, MR), aSize = kc * mc;
        float[] bPack = Workspace.floats(Workspace.GEMM_B, kc * roundUp(nc, NR));
        // The A buffer's tail holds the scratch tile the micro-kernel writes before merging into C.
        float[] aPack = Workspace.floats(Workspace.GEMM_A, aSize + VectorMicroKernel.SCRATCH);
        for (int ic = i0; ic < i1; ic += mc) {
            int mcb = Math.min(mc, i1 - ic);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                // The first k block applies beta; later ones accumulate onto what it wrote.
                float betaBlock = pc == 0 ? beta : 1f;
                GemmPacking.packA(transA, alpha, a, aOff, lda, ic, mcb, pc, kcb, aPack);
                for (int jc = j0; jc < j1; jc += nc) {
                    int ncb = Math.min(nc, j1 - jc);
                    GemmPacking.packB(transB, b, bOff, ldb, pc, kcb, jc, ncb, bPack);
                    macroKernel(kcb, mcb, ncb, aPack, bPack, betaBlock, c, cOff + ic * ldc + jc, ldc, aSize);
                }
            }
        }
    }

    /** All tiles of the packed m×kc A panel times one packed kc×nc B panel, row strips outermost. */
    private static void macroKernel(int kc, int m, int nc, float[] aPack, float[] bPack, float beta,
                                    float[] c, int cOff, int ldc, int scratch) {
        for (int ir = 0; ir < m; ir += MR) {
            int rows = Math.min(MR, m - ir), ao = ir * kc;
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr), bo = jr * kc, co = cOff + ir * ldc + jr;
                VectorMicroKernel.tile(kc, aPack, ao, bPack, bo, beta, c, co, ldc, rows, cols, aPack, scratch);
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
