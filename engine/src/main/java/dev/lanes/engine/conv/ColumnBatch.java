package dev.lanes.engine.conv;

import dev.lanes.engine.Workspace;
import dev.lanes.engine.gemm.Gemm;
import java.util.Arrays;

/**
 * Convolution of several small images per GEMM: their column matrices side by side, [CK][G*P], so one GEMM
 * of G*P columns replaces G GEMMs of P columns. A per-image GEMM on a small map wastes most of each register
 * tile (a 2x2 map has P = 4 against a tile 32 floats wide on AVX-512) and packs W once per image; packing W
 * alone took 20% of a VGG-11 step on the Xeon. Outputs and output gradients go through a [K][G*P] staging
 * matrix, copied out to (or gathered from) each image's [K][P] planes: K*G*P floats against K*G*P*CK
 * multiply-adds.
 */
final class ColumnBatch {
    /**
     * Columns a batch aims for: enough for full register tiles and an NC-wide B panel. System property
     * {@code lanes.conv.batchColumns} overrides it (1 turns batching off), for tuning on another CPU.
     */
    static final int TARGET_COLUMNS = Math.max(1, Integer.getInteger("lanes.conv.batchColumns", 256));
    /** Most floats of one batch's column matrix (1 MB), so that it stays in L2 or at worst nearby L3. */
    static final int MAX_COLUMN_FLOATS = 1 << 18;
    private final Gemm gemm;
    private final ColumnOps ops;
    private final int targetColumns;

    /** @param targetColumns {@link #TARGET_COLUMNS}, or 1 to turn batching off (tests of the per-image paths) */
    ColumnBatch(Gemm gemm, ColumnOps ops, int targetColumns) {
        this.gemm = gemm;
        this.ops = ops;
        this.targetColumns = targetColumns;
    }

    /**
     * Images per GEMM for a layer whose column matrix has {@code depth} rows: 1 (no batching) when one image
     * already has the target's output pixels; depends on the shape only, so the bits do too.
     */
    int imagesPerBatch(ConvShape s, int depth) {
        int p = s.outHeight() * s.outWidth();
        if (p >= targetColumns || s.batch() < 2) return 1;
        int wanted = (targetColumns + p - 1) / p;
        int fits = (int) Math.max(1, MAX_COLUMN_FLOATS / ((long) depth * p));
        return Math.min(s.batch(), Math.min(wanted, fits));
    }

    /** y of images [n0, n1) = a · [col(x_n0) … col(x_n1-1)], a being W [K][CK] or, with {@code biasRow}, [W | bias]. */
    void forward(ConvShape s, float[] x, int xOff, float[] a, int aOff, boolean biasRow, float[] y, int yOff, int n0, int n1) {
        int k = s.outChannels(), p = s.outHeight() * s.outWidth(), ck = columnRows(s);
        int depth = biasRow ? ck + 1 : ck, wide = (n1 - n0) * p;
        float[] col = columns(s, x, xOff, depth, n0, n1);
        if (biasRow) Arrays.fill(col, ck * wide, (ck + 1) * wide, 1f);
        float[] out = Workspace.floats(Workspace.CONV_BATCH, k * wide);
        gemm.sgemm(false, false, k, wide, depth, 1f, a, aOff, depth, col, 0, wide, 0f, out, 0, wide);
        for (int n = n0; n < n1; n++) ops.copy(out, (n - n0) * p, wide, y, yOff + n * k * p, p, k, p);
    }

    /** dx of images [n0, n1) = col2im(Wᵀ · [dy_n0 … dy_n1-1]). */
    void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff, int n0, int n1) {
        int k = s.outChannels(), p = s.outHeight() * s.outWidth(), ck = columnRows(s), wide = (n1 - n0) * p;
        float[] g = gradients(s, dy, dyOff, n0, n1);
        int padOff = ck * wide;
        float[] col = Workspace.floats(Workspace.CONV_COLUMNS, padOff + Im2col.paddedSize(s));
        gemm.sgemm(true, false, ck, wide, k, 1f, w, wOff, ck, g, 0, wide, 0f, col, 0, wide);
        int image = s.inChannels() * s.inHeight() * s.inWidth();
        for (int n = n0; n < n1; n++) {
            int xi = dxOff + n * image;
            Im2col.beginUnpack(s, dx, xi, col, padOff);
            Im2col.unpack(s, col, padOff, 0, s.outHeight(), (n - n0) * p, wide, dx, xi, ops);
            Im2col.endUnpack(s, col, padOff, dx, xi, ops);
        }
    }

    /**
     * dw (+)= [dy_n0 … dy_n1-1] · [col(x_n0) … col(x_n1-1)]ᵀ and db[dbOff ..] (+)= the rows' sums ({@code db}
     * null skips it); {@code first} overwrites instead of adding.
     */
    void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                         float[] db, int dbOff, int n0, int n1, boolean first) {
        int k = s.outChannels(), p = s.outHeight() * s.outWidth(), ck = columnRows(s), wide = (n1 - n0) * p;
        float[] g = gradients(s, dy, dyOff, n0, n1);
        float[] col = columns(s, x, xOff, ck, n0, n1);
        if (Im2colConv.dotProductsWin(k, ck, wide)) {
            ops.dotRows(g, 0, wide, k, col, 0, wide, ck, wide, dw, dwOff, !first);
        } else {
            gemm.sgemm(false, true, k, ck, wide, 1f, g, 0, wide, col, 0, wide, first ? 0f : 1f, dw, dwOff, ck);
        }
        if (db != null) {
            for (int o = 0; o < k; o++) {
                float sum = ops.sum(g, o * wide, wide);
                db[dbOff + o] = first ? sum : db[dbOff + o] + sum;
            }
        }
    }

    @Override
    public String toString() {
        return targetColumns > 1 ? "batches of " + targetColumns + " columns" : "one image per GEMM";
    }

    /** The images' column matrices side by side in this thread's column buffer, {@code depth} rows of room. */
    private float[] columns(ConvShape s, float[] x, int xOff, int depth, int n0, int n1) {
        int p = s.outHeight() * s.outWidth(), wide = (n1 - n0) * p, padOff = depth * wide;
        float[] col = Workspace.floats(Workspace.CONV_COLUMNS, padOff + Im2col.paddedSize(s));
        int image = s.inChannels() * s.inHeight() * s.inWidth();
        for (int n = n0; n < n1; n++) {
            int xi = xOff + n * image;
            Im2col.begin(s, x, xi, col, padOff, ops);
            Im2col.pack(s, x, xi, col, padOff, 0, s.outHeight(), (n - n0) * p, wide, ops);
        }
        return col;
    }

    /** The images' output gradients side by side, [K][G*P], in this thread's batch buffer. */
    private float[] gradients(ConvShape s, float[] dy, int dyOff, int n0, int n1) {
        int k = s.outChannels(), p = s.outHeight() * s.outWidth(), wide = (n1 - n0) * p;
        float[] g = Workspace.floats(Workspace.CONV_BATCH, k * wide);
        for (int n = n0; n < n1; n++) ops.copy(dy, dyOff + n * k * p, p, g, (n - n0) * p, wide, k, p);
        return g;
    }

    private static int columnRows(ConvShape s) {
        return s.inChannels() * s.kernelH() * s.kernelW();
    }
}
