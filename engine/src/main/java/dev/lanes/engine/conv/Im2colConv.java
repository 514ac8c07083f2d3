package dev.lanes.engine.conv;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.Parallel;
import dev.lanes.engine.Workspace;
import dev.lanes.engine.gemm.Gemm;
import java.util.Arrays;

/**
 * Convolution as GEMM over the column matrix of each image (see {@link Im2col}), with C*kh*kw = CK and
 * OH*OW = P:
 * <pre>
 *   forward          y[K][P]    = [W | bias][K][CK+1] · [col(x); 1][CK+1][P]
 *   backwardData     col[CK][P] = Wᵀ · dy[K][P];  dx = col2im(col)
 *   backwardWeights  dW[K][CK] += dy[K][P] · col(x)ᵀ;  dbias[k] += Σ_P dy[k]
 * </pre>
 * A 1x1, stride-1, unpadded convolution needs no column matrix: the image already is one. Large images
 * go in bands of output rows so the column matrix stays in L2. When dW's GEMM would be too narrow (few
 * column rows, e.g. a 1-channel first layer) it is computed as dot products instead. Packing, col2im,
 * those dot products and the bias sums are {@link ColumnOps}, plain or Vector API.
 * (Backward-data as a forward convolution of dy with flipped weights was measured slower: its GEMM has
 * fewer rows and more depth, and packing dy's columns costs more than col2im's vectorised adds.)
 *
 * <p>With at least as many images as threads the batch is split over threads and each GEMM runs on its
 * thread (nested {@link Parallel} calls run inline); with fewer, images go one by one and the GEMM splits
 * itself. Weight gradients of a split batch are summed per chunk, then over chunks in chunk order, so the
 * bits depend only on the thread count.
 */
public final class Im2colConv implements ConvKernels {
    /** Column floats per band: 256 KB, half a 512 KB L2. */
    static final int BAND_FLOATS = 1 << 16;
    private final Gemm gemm;
    private final ColumnOps ops;
    private final int bandFloats;
    private final ColumnBatch batches;
    private final LoopTask.PerThread<ImageTask> tasks = new LoopTask.PerThread<>(ImageTask::new);

    /** Plain-Java column packing; loads no Vector API class. */
    public Im2colConv(Gemm gemm) {
        this(gemm, ColumnOps.SCALAR);
    }

    /** @param ops the inner loops besides the GEMM ({@link VectorColumnOps} for the Vector API kernel set) */
    public Im2colConv(Gemm gemm, ColumnOps ops) {
        this(gemm, ops, BAND_FLOATS);
    }

    /** With another band size: tests use tiny bands to run the banded paths on small shapes. */
    Im2colConv(Gemm gemm, ColumnOps ops, int bandFloats) {
        this(gemm, ops, bandFloats, ColumnBatch.TARGET_COLUMNS);
    }

    /** With another batching target ({@link ColumnBatch}; 1 turns it off): tests of the per-image paths. */
    Im2colConv(Gemm gemm, ColumnOps ops, int bandFloats, int batchColumns) {
        if (gemm == null || ops == null) throw new IllegalArgumentException("Im2colConv: gemm and ops must not be null");
        if (bandFloats < 1) throw new IllegalArgumentException("Im2colConv: bandFloats must be positive but is " + bandFloats);
        if (batchColumns < 1) throw new IllegalArgumentException("Im2colConv: batchColumns must be positive but is " + batchColumns);
        this.gemm = gemm;
        this.ops = ops;
        this.bandFloats = bandFloats;
        this.batches = new ColumnBatch(gemm, ops, batchColumns);
    }

    @Override
    public String toString() {
        return "Im2colConv[" + gemm.getClass().getSimpleName() + ", " + ops + ", bands of " + bandFloats + ", " + batches + "]";
    }

    /** The arguments of one call, reused so that dispatch allocates nothing (see {@link LoopTask}). */
    private final class ImageTask extends LoopTask {
        private static final int POINTWISE = 0, FORWARD = 1, BACKWARD_DATA = 2, WEIGHT_PARTIALS = 3, PRODUCT = 4;
        /** The same three, over batches of {@code perBatch} images (see {@link ColumnBatch}). */
        private static final int BATCH_FORWARD = 5, BATCH_DATA = 6, BATCH_WEIGHT_PARTIALS = 7;
        private int op, xOff, wOff, yOff, dyOff, dxOff, part, perBatch = 1;
        private boolean biasRow;
        private ConvShape s;
        private ColumnProduct product;
        private float[] x, w, bias, y, dy, dx, partials;

        /** Forward of each image: pointwise with {@code bias}, or through columns with the bias row in w. */
        ImageTask forward(int op, ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, boolean biasRow, float[] y, int yOff) {
            this.op = op; this.s = s; this.x = x; this.xOff = xOff; this.w = w; this.wOff = wOff; this.bias = bias;
            this.biasRow = biasRow; this.y = y; this.yOff = yOff;
            return this;
        }

        /** Forward of each image through another weight format's product. */
        ImageTask forward(ConvShape s, float[] x, int xOff, ColumnProduct product, float[] y, int yOff) {
            this.op = PRODUCT; this.s = s; this.x = x; this.xOff = xOff; this.product = product; this.y = y; this.yOff = yOff;
            return this;
        }

        ImageTask backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
            this.op = BACKWARD_DATA; this.s = s; this.dy = dy; this.dyOff = dyOff; this.w = w; this.wOff = wOff; this.dx = dx; this.dxOff = dxOff;
            return this;
        }

        /** One partial [dW | dbias] of {@code part} floats per chunk; {@code bias} null skips dbias. */
        ImageTask weightPartials(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] partials, int part, float[] bias) {
            this.op = WEIGHT_PARTIALS; this.s = s; this.x = x; this.xOff = xOff; this.dy = dy; this.dyOff = dyOff;
            this.partials = partials; this.part = part; this.bias = bias;
            return this;
        }

        /** Switches the task set up by one of the methods above to batches of {@code perBatch} images. */
        ImageTask batched(int perBatch) {
            this.op += BATCH_FORWARD - FORWARD;
            this.perBatch = perBatch;
            return this;
        }

        @Override
        public void run(int chunk, int from, int to) {
            if (op >= BATCH_FORWARD) {
                runBatches(chunk, from, to);
                return;
            }
            for (int n = from; n < to; n++) {
                switch (op) {
                    case POINTWISE -> forwardPointwise(s, x, xOff, w, wOff, bias, y, yOff, n);
                    case FORWARD -> forwardImage(s, x, xOff, w, wOff, biasRow, y, yOff, n);
                    case BACKWARD_DATA -> backwardDataImage(s, dy, dyOff, w, wOff, dx, dxOff, n);
                    case PRODUCT -> forwardImage(s, x, xOff, product, y, yOff, n);
                    default -> {
                        int p = chunk * part, weights = s.weightSize();
                        backwardWeightsImage(s, x, xOff, dy, dyOff, partials, p, bias == null ? null : partials, p + weights, n, n == from);
                    }
                }
            }
        }

        private void runBatches(int chunk, int from, int to) {
            for (int b = from; b < to; b++) {
                int n0 = b * perBatch, n1 = Math.min(s.batch(), n0 + perBatch);
                switch (op) {
                    case BATCH_FORWARD -> batches.forward(s, x, xOff, w, wOff, biasRow, y, yOff, n0, n1);
                    case BATCH_DATA -> batches.backwardData(s, dy, dyOff, w, wOff, dx, dxOff, n0, n1);
                    default -> {
                        int p = chunk * part, weights = s.weightSize();
                        batches.backwardWeights(s, x, xOff, dy, dyOff, partials, p, bias == null ? null : partials, p + weights, n0, n1, b == from);
                    }
                }
            }
        }

        @Override
        protected void clear() {
            perBatch = 1;
            s = null;
            product = null;
            x = w = bias = y = dy = dx = partials = null;
        }
    }

    /** Runs {@code task} for every image: split over threads, or in order when the GEMM should split. */
    private static void eachImage(ConvShape s, ImageTask task) {
        eachUnit(s.batch(), task);
    }

    /** Runs {@code task} over {@code units} images or batches: split over threads, or in order when the GEMM should split. */
    private static void eachUnit(int units, ImageTask task) {
        int t = Parallel.threads();
        if (t > 1 && units >= t) {
            task.forRange(units, 1);
        } else {
            try {
                task.run(0, 0, units);
            } finally {
                task.release();
            }
        }
    }

    @Override
    public void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y, int yOff) {
        ConvChecks.forward(s, x, xOff, w, wOff, bias, y, yOff);
        int perBatch = batches.imagesPerBatch(s, columnRows(s) + 1);
        if (perBatch > 1) {
            float[] a = bias == null ? w : withBiasColumn(s, w, wOff, bias);
            eachUnit(batchCount(s, perBatch), tasks.acquire().forward(ImageTask.FORWARD, s, x, xOff, a, bias == null ? wOff : 0,
                    null, bias != null, y, yOff).batched(perBatch));
            return;
        }
        if (pointwise(s)) {
            eachImage(s, tasks.acquire().forward(ImageTask.POINTWISE, s, x, xOff, w, wOff, bias, false, y, yOff));
            return;
        }
        if (bias == null) {
            eachImage(s, tasks.acquire().forward(ImageTask.FORWARD, s, x, xOff, w, wOff, null, false, y, yOff));
            return;
        }
        eachImage(s, tasks.acquire().forward(ImageTask.FORWARD, s, x, xOff, withBiasColumn(s, w, wOff, bias), 0, null, true, y, yOff));
    }

    /**
     * [W | bias] [K][CK+1] in this thread's aux buffer (read by every thread). The bias rides in the GEMM as one
     * more column of W against a row of ones under the columns: cheaper than seeding y with it (a pass over
     * y, then the GEMM reading y back).
     */
    private static float[] withBiasColumn(ConvShape s, float[] w, int wOff, float[] bias) {
        int ck = columnRows(s);
        float[] wb = Workspace.floats(Workspace.CONV_AUX, s.outChannels() * (ck + 1));
        for (int o = 0; o < s.outChannels(); o++) {
            System.arraycopy(w, wOff + o * ck, wb, o * (ck + 1), ck);
            wb[o * (ck + 1) + ck] = bias[o];
        }
        return wb;
    }

    private static int batchCount(ConvShape s, int perBatch) {
        return (s.batch() + perBatch - 1) / perBatch;
    }

    /**
     * y = conv(x, W) where the weights (and any bias) are behind {@code product}, which gets the column
     * matrix of each image a band at a time (or, for a 1x1 stride-1 unpadded kernel, the image itself).
     * Threads split images as in the float forward.
     */
    public void forward(ConvShape s, float[] x, int xOff, ColumnProduct product, float[] y, int yOff) {
        ConvChecks.forward(s, x, xOff, y, yOff);
        if (product == null) throw new IllegalArgumentException(s + ": the column product is null");
        eachImage(s, tasks.acquire().forward(s, x, xOff, product, y, yOff));
    }

    @Override
    public void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        ConvChecks.backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
        int perBatch = batches.imagesPerBatch(s, columnRows(s));
        ImageTask task = tasks.acquire().backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
        if (perBatch > 1) eachUnit(batchCount(s, perBatch), task.batched(perBatch));
        else eachImage(s, task);
    }

    @Override
    public void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff, float[] dbias) {
        ConvChecks.backwardWeights(s, x, xOff, dy, dyOff, dw, dwOff, dbias);
        int threads = Parallel.threads(), perBatch = batches.imagesPerBatch(s, columnRows(s));
        int units = perBatch > 1 ? batchCount(s, perBatch) : s.batch();
        if (threads == 1 || units < threads) {
            if (perBatch > 1) {
                for (int n0 = 0; n0 < s.batch(); n0 += perBatch) {
                    batches.backwardWeights(s, x, xOff, dy, dyOff, dw, dwOff, dbias, 0, n0, Math.min(s.batch(), n0 + perBatch), false);
                }
            } else {
                for (int n = 0; n < s.batch(); n++) backwardWeightsImage(s, x, xOff, dy, dyOff, dw, dwOff, dbias, 0, n, false);
            }
            return;
        }
        int weights = s.weightSize(), part = weights + s.outChannels();
        int chunks = Parallel.chunks(units, 1);
        // one partial [dW | dbias] per chunk, in the caller's scratch; chunk threads write only their own
        float[] partials = Workspace.floats(Workspace.CONV_AUX, chunks * part);
        ImageTask task = tasks.acquire().weightPartials(s, x, xOff, dy, dyOff, partials, part, dbias);
        (perBatch > 1 ? task.batched(perBatch) : task).forRange(units, 1);
        sumPartials(partials, chunks, part, 0, weights, dw, dwOff);
        if (dbias != null) sumPartials(partials, chunks, part, weights, s.outChannels(), dbias, 0);
    }

    /** 1x1, stride 1, no padding: the input image is its own column matrix. */
    private static boolean pointwise(ConvShape s) {
        return s.kernelH() == 1 && s.kernelW() == 1 && s.strideH() == 1 && s.strideW() == 1 && s.padH() == 0 && s.padW() == 0;
    }

    /**
     * Whether dW[K][CK] = dy[K][P]·colᵀ goes faster as K*CK dot products of length P than as a GEMM: when the
     * GEMM's n (CK) or m (K) is under two register tiles and the rows are long enough to amortise each dot
     * product's final lane sum. Measured (1 core, batch 64): 1x28x28→32 3x3 1.3 ms vs 2.6 ms as GEMM;
     * 16x32x32→16 3x3 8.1 vs 10.1; but 32x14x14→64 3x3 (P = 196) 17.2 vs 8.7.
     */
    static boolean dotProductsWin(int k, int ck, int p) {
        return ck <= 32 || (k <= 32 && p >= 512);
    }

    /**
     * Output rows per band: the whole image, unless its column matrix would outgrow BAND_FLOATS; then
     * even bands, so the band and the GEMM's packed copy of it stay in L2 instead of streaming to L3.
     */
    private int bandRows(ConvShape s, int columnRows) {
        long full = (long) columnRows * s.outHeight() * s.outWidth();
        if (full <= bandFloats) return s.outHeight();
        int bands = (int) Math.min(s.outHeight(), (full + bandFloats - 1) / bandFloats);
        return (s.outHeight() + bands - 1) / bands;
    }

    private static int columnRows(ConvShape s) {
        return s.inChannels() * s.kernelH() * s.kernelW();
    }

    /** 1x1 stride-1 unpadded forward: y = W · x_img straight, the bias seeded into y first. */
    private void forwardPointwise(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y, int yOff, int n) {
        int k = s.outChannels(), p = s.outHeight() * s.outWidth(), c = s.inChannels();
        int yi = yOff + n * k * p;
        float beta = 0f;
        if (bias != null) {
            for (int o = 0; o < k; o++) Arrays.fill(y, yi + o * p, yi + (o + 1) * p, bias[o]);
            beta = 1f;
        }
        gemm.sgemm(false, false, k, p, c, 1f, w, wOff, c, x, xOff + n * c * p, p, beta, y, yi, p);
    }

    /**
     * Forward of one image, a band of output rows at a time: y[:, band] = a · col(band), where a is W
     * [K][CK] or, with {@code biasRow}, [W | bias] [K][CK+1] against the band with a row of ones appended.
     */
    private void forwardImage(ConvShape s, float[] x, int xOff, float[] a, int aOff, boolean biasRow, float[] y, int yOff, int n) {
        int k = s.outChannels(), oh = s.outHeight(), ow = s.outWidth(), ck = columnRows(s);
        int depth = biasRow ? ck + 1 : ck;
        int xi = xOff + n * s.inChannels() * s.inHeight() * s.inWidth(), yi = yOff + n * k * oh * ow;
        int rows = bandRows(s, depth), padOff = depth * rows * ow;
        float[] buf = Workspace.floats(Workspace.CONV_COLUMNS, padOff + Im2col.paddedSize(s));
        Im2col.begin(s, x, xi, buf, padOff, ops);
        for (int r0 = 0; r0 < oh; r0 += rows) {
            int r1 = Math.min(oh, r0 + rows), nb = (r1 - r0) * ow;
            Im2col.pack(s, x, xi, buf, padOff, r0, r1, ops);
            if (biasRow) Arrays.fill(buf, ck * nb, (ck + 1) * nb, 1f);
            gemm.sgemm(false, false, k, nb, depth, 1f, a, aOff, depth, buf, 0, nb, 0f, y, yi + r0 * ow, oh * ow);
        }
    }

    /** Forward of one image by {@code product}: the image itself when pointwise, else band after band of columns. */
    private void forwardImage(ConvShape s, float[] x, int xOff, ColumnProduct product, float[] y, int yOff, int n) {
        int k = s.outChannels(), oh = s.outHeight(), ow = s.outWidth(), p = oh * ow, ck = columnRows(s);
        int xi = xOff + n * s.inChannels() * s.inHeight() * s.inWidth(), yi = yOff + n * k * p;
        if (pointwise(s)) {
            product.multiply(s, x, xi, p, p, y, yi, p);
            return;
        }
        int rows = bandRows(s, ck), padOff = ck * rows * ow;
        float[] buf = Workspace.floats(Workspace.CONV_COLUMNS, padOff + Im2col.paddedSize(s));
        Im2col.begin(s, x, xi, buf, padOff, ops);
        for (int r0 = 0; r0 < oh; r0 += rows) {
            int r1 = Math.min(oh, r0 + rows), nb = (r1 - r0) * ow;
            Im2col.pack(s, x, xi, buf, padOff, r0, r1, ops);
            product.multiply(s, buf, 0, nb, nb, y, yi + r0 * ow, p);
        }
    }

    private void backwardDataImage(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff, int n) {
        int k = s.outChannels(), oh = s.outHeight(), ow = s.outWidth(), p = oh * ow, ck = columnRows(s);
        int xi = dxOff + n * s.inChannels() * s.inHeight() * s.inWidth(), dyi = dyOff + n * k * p;
        if (pointwise(s)) {
            gemm.sgemm(true, false, ck, p, k, 1f, w, wOff, ck, dy, dyi, p, 0f, dx, xi, p);
            return;
        }
        int rows = bandRows(s, ck), padOff = ck * rows * ow;
        float[] buf = Workspace.floats(Workspace.CONV_COLUMNS, padOff + Im2col.paddedSize(s));
        Im2col.beginUnpack(s, dx, xi, buf, padOff);
        for (int r0 = 0; r0 < oh; r0 += rows) {
            int r1 = Math.min(oh, r0 + rows), nb = (r1 - r0) * ow;
            gemm.sgemm(true, false, ck, nb, k, 1f, w, wOff, ck, dy, dyi + r0 * ow, p, 0f, buf, 0, nb);
            Im2col.unpack(s, buf, padOff, r0, r1, dx, xi, ops);
        }
        Im2col.endUnpack(s, buf, padOff, dx, xi, ops);
    }

    /** dw[dwOff..] (+)= this image's weight gradient; {@code first} overwrites instead of adding. */
    private void backwardWeightsImage(ConvShape s, float[] x, int xOff, float[] dy, int dyOff,
                                      float[] dw, int dwOff, float[] db, int dbOff, int n, boolean first) {
        int k = s.outChannels(), oh = s.outHeight(), ow = s.outWidth(), p = oh * ow, ck = columnRows(s);
        int xi = xOff + n * s.inChannels() * s.inHeight() * s.inWidth(), dyi = dyOff + n * k * p;
        if (pointwise(s)) {
            weightProduct(s, dy, dyi, x, xi, p, p, dw, dwOff, !first);
        } else {
            int rows = bandRows(s, ck), padOff = ck * rows * ow;
            float[] buf = Workspace.floats(Workspace.CONV_COLUMNS, padOff + Im2col.paddedSize(s));
            Im2col.begin(s, x, xi, buf, padOff, ops);
            for (int r0 = 0; r0 < oh; r0 += rows) {
                int r1 = Math.min(oh, r0 + rows), nb = (r1 - r0) * ow;
                Im2col.pack(s, x, xi, buf, padOff, r0, r1, ops);
                weightProduct(s, dy, dyi + r0 * ow, buf, 0, nb, nb, dw, dwOff, !first || r0 > 0);
            }
        }
        if (db != null) {
            for (int o = 0; o < k; o++) {
                float sum = ops.sum(dy, dyi + o * p, p);
                db[dbOff + o] = first ? sum : db[dbOff + o] + sum;
            }
        }
    }

    /** dw (+)= dy[K][len] (rows P apart) · col[CK][len]ᵀ (rows ldCol apart). */
    private void weightProduct(ConvShape s, float[] dy, int dyi, float[] col, int colOff, int ldCol, int len,
                               float[] dw, int dwOff, boolean accumulate) {
        int k = s.outChannels(), p = s.outHeight() * s.outWidth(), ck = columnRows(s);
        if (dotProductsWin(k, ck, p)) {
            ops.dotRows(dy, dyi, p, k, col, colOff, ldCol, ck, len, dw, dwOff, accumulate);
        } else {
            gemm.sgemm(false, true, k, ck, len, 1f, dy, dyi, p, col, colOff, ldCol, accumulate ? 1f : 0f, dw, dwOff, ck);
        }
    }

    /** out[outOff + i] += Σ_chunks partials[c*part + base + i], summed in chunk order. */
    private static void sumPartials(float[] partials, int chunks, int part, int base, int len, float[] out, int outOff) {
        for (int i = 0; i < len; i++) {
            float sum = partials[base + i];
            for (int c = 1; c < chunks; c++) sum += partials[c * part + base + i];
            out[outOff + i] += sum;
        }
    }
}
