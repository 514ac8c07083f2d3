package dev.lanes.engine.ternary;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.conv.ConvShape;

/** Argument checks shared by the ternary packings and kernels; a passing check builds no message. */
final class TernaryChecks {
    private TernaryChecks() {}

    /** {@link TernaryKernels#gemm}: W m×k codes, X k×n (rows ldx apart), C m×n (rows ldc apart). */
    static void gemm(int m, int n, int k, int[] codes, float[] scales, boolean perRow, float[] bias,
                     float[] x, int xOff, int ldx, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("ternary gemm: negative size; " + gemmShapes(m, n, k));
        if (ldx < Math.max(1, n) || ldc < Math.max(1, n)) {
            throw new IllegalArgumentException("ternary gemm: leading dimensions ldx=" + ldx + " and ldc=" + ldc
                    + " must be >= n=" + n + "; " + gemmShapes(m, n, k));
        }
        String bad = weights("ternary gemm", m, k, codes, scales, perRow, bias);
        if (bad != null) throw new IllegalArgumentException(bad + "; " + gemmShapes(m, n, k));
        if (m == 0 || n == 0) return;
        long xSpan = k == 0 ? 0 : (long) (k - 1) * ldx + n, cSpan = (long) (m - 1) * ldc + n;
        if (!Shapes.fits(x, xOff, xSpan)) Shapes.requireRange("ternary gemm X", x, xOff, xSpan, gemmShapes(m, n, k));
        if (!Shapes.fits(c, cOff, cSpan)) Shapes.requireRange("ternary gemm C", c, cOff, cSpan, gemmShapes(m, n, k));
    }

    /** {@link TernaryKernels#linear}: x [batch × in], W [out × in], y [batch × out]. */
    static void linear(int batch, int in, int out, int[] codes, float[] scales, boolean perRow, float[] bias,
                       float[] x, int xOff, float[] y, int yOff) {
        if (batch < 0 || in < 0 || out < 0) {
            throw new IllegalArgumentException("ternary linear: negative size; " + linearShapes(batch, in, out));
        }
        String bad = weights("ternary linear", out, in, codes, scales, perRow, bias);
        if (bad != null) throw new IllegalArgumentException(bad + "; " + linearShapes(batch, in, out));
        long xs = (long) batch * in, ys = (long) batch * out;
        if (xs > Integer.MAX_VALUE || ys > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ternary linear: too large for one float[]; " + linearShapes(batch, in, out));
        }
        if (!Shapes.fits(x, xOff, xs)) Shapes.requireRange("ternary linear x", x, xOff, xs, linearShapes(batch, in, out));
        if (!Shapes.fits(y, yOff, ys)) Shapes.requireRange("ternary linear y", y, yOff, ys, linearShapes(batch, in, out));
    }

    /** The weights of {@link TernaryKernels#convForward}; x and y are checked by the convolution. */
    static void conv(ConvShape s, int[] codes, float[] scales, boolean perRow, float[] bias) {
        if (s == null) throw new IllegalArgumentException("ternary conv: shape is null");
        String bad = weights("ternary conv", s.outChannels(), s.inChannels() * s.kernelH() * s.kernelW(), codes, scales,
                perRow, bias);
        if (bad != null) throw new IllegalArgumentException(bad + "; " + s);
    }

    /** What is wrong with the codes of an m×k W, its scales or its bias, or null (built only on failure). */
    private static String weights(String op, int m, int k, int[] codes, float[] scales, boolean perRow, float[] bias) {
        long count = (long) m * k, words = (count + TernaryCodes.PER_WORD - 1) / TernaryCodes.PER_WORD;
        if (count > Integer.MAX_VALUE) return op + ": W has more than 2^31-1 codes";
        if (codes == null || codes.length < words) {
            return op + ": W [" + m + " x " + k + "] needs " + words + " code words but "
                    + (codes == null ? "codes is null" : "there are " + codes.length);
        }
        int need = m == 0 ? 0 : perRow ? m : 1;
        if (scales == null || scales.length < need) {
            return op + ": W [" + m + " x " + k + "] needs " + need + " scale(s) (" + (perRow ? "one per row" : "one per tensor")
                    + ") but " + (scales == null ? "scales is null" : "there are " + scales.length);
        }
        if (bias != null && bias.length < m) {
            return op + ": W [" + m + " x " + k + "] needs " + m + " biases but there are " + bias.length;
        }
        return null;
    }

    private static String gemmShapes(int m, int n, int k) {
        return "W " + m + "x" + k + " (codes), X " + k + "x" + n + ", C " + m + "x" + n;
    }

    private static String linearShapes(int batch, int in, int out) {
        return "x [" + batch + " x " + in + "], W [" + out + " x " + in + "] (codes), y [" + batch + " x " + out + "]";
    }

    /** {@code words} holds the words of codes [from, from + count) at {@code perWord} codes per word. */
    static void codeRange(String op, int[] words, long from, long count, int perWord) {
        if (from < 0 || count < 0) {
            throw new IllegalArgumentException(op + ": code range from " + from + " of " + count + " codes is negative");
        }
        long need = (from + count + perWord - 1) / perWord;
        if (words == null || need > words.length) {
            throw new IllegalArgumentException(op + ": codes [" + from + ", " + (from + count) + ") need " + need
                    + " words of " + perWord + " codes but the buffer " + (words == null ? "is null" : "has " + words.length));
        }
    }

    static void byteRange(String op, byte[] codes, int off, int count) {
        if (codes == null || off < 0 || (long) off + count > codes.length) {
            throw new IllegalArgumentException(op + ": needs " + count + " codes from offset " + off + " but the code array "
                    + (codes == null ? "is null" : "has " + codes.length));
        }
    }

    static void floatRange(String op, float[] out, int off, long count) {
        if (out == null || off < 0 || off + count > out.length) {
            throw new IllegalArgumentException(op + ": needs " + count + " floats from offset " + off + " but the buffer "
                    + (out == null ? "is null" : "has " + out.length));
        }
    }

    /** A code outside {0, 1, 2}, named by its element index. */
    static IllegalArgumentException badCode(int index, int code) {
        return new IllegalArgumentException("code " + code + " at index " + index
                + " is not a ternary code (0 = -scale, 1 = 0, 2 = +scale)");
    }
}
