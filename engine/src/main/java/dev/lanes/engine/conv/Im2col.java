package dev.lanes.engine.conv;

import java.util.Arrays;

/**
 * The column matrix of one image and its adjoint, a band of output rows at a time. Row {@code (c*kh + i)*kw + j}
 * of the [C*kh*kw][rows*OW] band holds input channel c shifted by kernel tap (i, j) for output rows
 * [r0, r1); taps that fall in the padding are zero.
 *
 * <p>Stride 1 (nearly every layer) first copies the image into a zero-bordered buffer; each band row is
 * then plain runs of OW floats out of it, with no bounds logic. Other strides go element by element.
 * The padded image lives in the caller's buffer at {@code padOff}, after the band: {@link #paddedSize}.
 */
final class Im2col {
    private Im2col() {}

    /** Floats the padded image needs (0 when packing reads the input directly). */
    static int paddedSize(ConvShape s) {
        return stride1(s) && (s.padH() > 0 || s.padW() > 0)
                ? s.inChannels() * (s.inHeight() + 2 * s.padH()) * (s.inWidth() + 2 * s.padW()) : 0;
    }

    private static boolean stride1(ConvShape s) {
        return s.strideH() == 1 && s.strideW() == 1;
    }

    /** Prepares packing the image at {@code x[xi ..]}: copies it into {@code buf[padOff ..]} if it needs a border. */
    static void begin(ConvShape s, float[] x, int xi, float[] buf, int padOff, ColumnOps ops) {
        if (paddedSize(s) == 0) return;
        int h = s.inHeight(), w = s.inWidth(), ph = s.padH(), pw = s.padW(), hp = h + 2 * ph, wp = w + 2 * pw;
        for (int ch = 0; ch < s.inChannels(); ch++) {
            int plane = padOff + ch * hp * wp;
            Arrays.fill(buf, plane, plane + ph * wp, 0f);
            for (int r = ph; r < ph + h; r++) {
                int o = plane + r * wp;
                for (int q = 0; q < pw; q++) {
                    buf[o + q] = 0f;
                    buf[o + pw + w + q] = 0f;
                }
            }
            Arrays.fill(buf, plane + (ph + h) * wp, plane + hp * wp, 0f);
            ops.copy(x, xi + ch * h * w, w, buf, plane + ph * wp + pw, wp, h, w);
        }
    }

    /** buf[0 .. C*kh*kw*(r1-r0)*OW) = the band of output rows [r0, r1), after {@link #begin}. */
    static void pack(ConvShape s, float[] x, int xi, float[] buf, int padOff, int r0, int r1, ColumnOps ops) {
        pack(s, x, xi, buf, padOff, r0, r1, 0, (r1 - r0) * s.outWidth(), ops);
    }

    /**
     * As {@link #pack}, but row {@code row} of the band goes to {@code buf[colOff + row*ldCol ..]}: several
     * images' column matrices side by side in one wider matrix (see {@link ColumnBatch}).
     */
    static void pack(ConvShape s, float[] x, int xi, float[] buf, int padOff, int r0, int r1, int colOff, int ldCol, ColumnOps ops) {
        if (!stride1(s)) {
            packStrided(s, x, xi, buf, r0, r1, colOff, ldCol);
            return;
        }
        boolean padded = paddedSize(s) > 0;
        float[] src = padded ? buf : x;
        int base = padded ? padOff : xi;
        int hp = s.inHeight() + 2 * s.padH(), wp = s.inWidth() + 2 * s.padW(), ow = s.outWidth();
        int row = 0;
        for (int ch = 0; ch < s.inChannels(); ch++) {
            for (int ki = 0; ki < s.kernelH(); ki++) {
                for (int kj = 0; kj < s.kernelW(); kj++, row++) {
                    ops.copy(src, base + (ch * hp + r0 + ki) * wp + kj, wp, buf, colOff + row * ldCol, ow, r1 - r0, ow);
                }
            }
        }
    }

    /** Element-wise packing for any stride: each output row is a zero prefix, a strided run, a zero suffix. */
    private static void packStrided(ConvShape s, float[] x, int xi, float[] col, int r0, int r1, int colOff, int ldCol) {
        int h = s.inHeight(), w = s.inWidth(), ow = s.outWidth();
        int sh = s.strideH(), sw = s.strideW();
        int row = 0;
        for (int c = 0; c < s.inChannels(); c++) {
            for (int ki = 0; ki < s.kernelH(); ki++) {
                for (int kj = 0; kj < s.kernelW(); kj++, row++) {
                    int shift = kj - s.padW();
                    int lo = Math.min(ow, validFrom(shift, sw)), hi = Math.max(lo, validTo(shift, sw, w, ow));
                    int o = colOff + row * ldCol;
                    for (int r = r0; r < r1; r++, o += ow) {
                        int ih = r * sh - s.padH() + ki;
                        if (ih < 0 || ih >= h) {
                            Arrays.fill(col, o, o + ow, 0f);
                            continue;
                        }
                        Arrays.fill(col, o, o + lo, 0f);
                        int src = xi + (c * h + ih) * w + lo * sw + shift;
                        for (int q = lo; q < hi; q++, src += sw) col[o + q] = x[src];
                        Arrays.fill(col, o + hi, o + ow, 0f);
                    }
                }
            }
        }
    }

    /** Starts col2im into the image at {@code dx[xi ..]}: zeroes the padded accumulator, or dx itself. */
    static void beginUnpack(ConvShape s, float[] dx, int xi, float[] buf, int padOff) {
        int padded = paddedSize(s);
        if (padded > 0) Arrays.fill(buf, padOff, padOff + padded, 0f);
        else Arrays.fill(dx, xi, xi + s.inChannels() * s.inHeight() * s.inWidth(), 0f);
    }

    /** Adds the band of output rows [r0, r1) held in {@code buf[0 ..]} back onto the pixels it came from. */
    static void unpack(ConvShape s, float[] buf, int padOff, int r0, int r1, float[] dx, int xi, ColumnOps ops) {
        unpack(s, buf, padOff, r0, r1, 0, (r1 - r0) * s.outWidth(), dx, xi, ops);
    }

    /** As {@link #unpack}, with band row {@code row} read from {@code buf[colOff + row*ldCol ..]}. */
    static void unpack(ConvShape s, float[] buf, int padOff, int r0, int r1, int colOff, int ldCol, float[] dx, int xi, ColumnOps ops) {
        if (!stride1(s)) {
            scatterStrided(s, buf, r0, r1, colOff, ldCol, dx, xi);
            return;
        }
        boolean padded = paddedSize(s) > 0;
        float[] dst = padded ? buf : dx;
        int base = padded ? padOff : xi;
        int hp = s.inHeight() + 2 * s.padH(), wp = s.inWidth() + 2 * s.padW(), ow = s.outWidth();
        int row = 0;
        for (int ch = 0; ch < s.inChannels(); ch++) {
            for (int ki = 0; ki < s.kernelH(); ki++) {
                for (int kj = 0; kj < s.kernelW(); kj++, row++) {
                    ops.add(buf, colOff + row * ldCol, ow, dst, base + (ch * hp + r0 + ki) * wp + kj, wp, r1 - r0, ow);
                }
            }
        }
    }

    /** Finishes col2im: copies the padded accumulator's interior out to dx (overwriting it). */
    static void endUnpack(ConvShape s, float[] buf, int padOff, float[] dx, int xi, ColumnOps ops) {
        if (paddedSize(s) == 0) return;
        int h = s.inHeight(), w = s.inWidth(), ph = s.padH(), pw = s.padW(), hp = h + 2 * ph, wp = w + 2 * pw;
        for (int ch = 0; ch < s.inChannels(); ch++) {
            ops.copy(buf, padOff + ch * hp * wp + ph * wp + pw, wp, dx, xi + ch * h * w, w, h, w);
        }
    }

    /** dx[xi ..] += col2im of one band, for any stride, element by element. */
    private static void scatterStrided(ConvShape s, float[] col, int r0, int r1, int colOff, int ldCol, float[] dx, int xi) {
        int h = s.inHeight(), w = s.inWidth(), ow = s.outWidth();
        int sh = s.strideH(), sw = s.strideW();
        int row = 0;
        for (int c = 0; c < s.inChannels(); c++) {
            for (int ki = 0; ki < s.kernelH(); ki++) {
                for (int kj = 0; kj < s.kernelW(); kj++, row++) {
                    int shift = kj - s.padW();
                    int lo = Math.min(ow, validFrom(shift, sw)), hi = Math.max(lo, validTo(shift, sw, w, ow));
                    int o = colOff + row * ldCol;
                    for (int r = r0; r < r1; r++, o += ow) {
                        int ih = r * sh - s.padH() + ki;
                        if (ih < 0 || ih >= h) continue;
                        int dst = xi + (c * h + ih) * w + lo * sw + shift;
                        for (int q = lo; q < hi; q++, dst += sw) dx[dst] += col[o + q];
                    }
                }
            }
        }
    }

    /** First output column whose input column {@code q*stride + shift} is >= 0. */
    private static int validFrom(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /** One past the last output column whose input column {@code q*stride + shift} is < width. */
    private static int validTo(int shift, int stride, int width, int outWidth) {
        int last = width - 1 - shift; // q*stride <= last
        return last < 0 ? 0 : Math.min(outWidth, last / stride + 1);
    }
}
