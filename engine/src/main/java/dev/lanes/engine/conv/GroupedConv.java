package dev.lanes.engine.conv;

import java.util.Arrays;

/**
 * Grouped 2-D convolution: the C input channels and K output channels split into {@code groups} equal
 * parts, output group g sees only input group g. Weights [K, C/groups, kh, kw]. Depthwise is groups == C.
 * Each (image, group) pair is one ungrouped convolution of batch 1 on the dense kernels: in NCHW an image's
 * group of channels is contiguous, so no copy is needed. The bias is added (and summed) here because the
 * dense kernels index it from 0. Output and dx are overwritten, dw and dbias accumulated, as in
 * {@link ConvKernels}.
 */
public final class GroupedConv {
    private GroupedConv() {}

    /** The ungrouped shape of one image and one group; throws naming the shape when groups divide neither side. */
    public static ConvShape groupShape(ConvShape s, int groups) {
        requireGroups(s, groups);
        return new ConvShape(1, s.inChannels() / groups, s.inHeight(), s.inWidth(), s.outChannels() / groups,
                s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW());
    }

    /** Throws unless {@code groups} is positive and divides both channel counts of {@code s}. */
    public static void requireGroups(ConvShape s, int groups) {
        if (groups < 1 || s.inChannels() % groups != 0 || s.outChannels() % groups != 0) {
            throw new IllegalArgumentException("grouped conv: groups " + groups + " must be positive and divide in channels "
                    + s.inChannels() + " and out channels " + s.outChannels() + " (" + s + ")");
        }
    }

    /** Floats of the grouped weight [K, C/groups, kh, kw]. */
    public static int weightSize(ConvShape s, int groups) {
        return s.outChannels() * (s.inChannels() / groups) * s.kernelH() * s.kernelW();
    }

    public static void forward(ConvKernels k, ConvShape s, int groups, float[] x, int xOff, float[] w, int wOff,
                               float[] bias, float[] y, int yOff) {
        if (groups == 1) {
            k.forward(s, x, xOff, w, wOff, bias, y, yOff);
            return;
        }
        ConvShape g = groupShape(s, groups);
        requireArrays(s, groups, x, xOff, w, wOff, y, yOff);
        int gx = g.inputSize(), gy = g.outputSize(), gw = g.weightSize(), p = s.outHeight() * s.outWidth();
        for (int n = 0; n < s.batch(); n++) {
            for (int j = 0; j < groups; j++) {
                k.forward(g, x, xOff + (n * groups + j) * gx, w, wOff + j * gw, null, y, yOff + (n * groups + j) * gy);
            }
            if (bias != null) {
                for (int o = 0; o < s.outChannels(); o++) {
                    int at = yOff + (n * s.outChannels() + o) * p;
                    float b = bias[o];
                    for (int i = at; i < at + p; i++) y[i] += b;
                }
            }
        }
    }

    public static void backwardData(ConvKernels k, ConvShape s, int groups, float[] dy, int dyOff, float[] w, int wOff,
                                    float[] dx, int dxOff) {
        if (groups == 1) {
            k.backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
            return;
        }
        ConvShape g = groupShape(s, groups);
        requireArrays(s, groups, dx, dxOff, w, wOff, dy, dyOff);
        int gx = g.inputSize(), gy = g.outputSize(), gw = g.weightSize();
        for (int n = 0; n < s.batch(); n++) {
            for (int j = 0; j < groups; j++) {
                k.backwardData(g, dy, dyOff + (n * groups + j) * gy, w, wOff + j * gw, dx, dxOff + (n * groups + j) * gx);
            }
        }
    }

    public static void backwardWeights(ConvKernels k, ConvShape s, int groups, float[] x, int xOff, float[] dy, int dyOff,
                                       float[] dw, int dwOff, float[] dbias) {
        if (groups == 1) {
            k.backwardWeights(s, x, xOff, dy, dyOff, dw, dwOff, dbias);
            return;
        }
        ConvShape g = groupShape(s, groups);
        requireArrays(s, groups, x, xOff, dw, dwOff, dy, dyOff);
        int gx = g.inputSize(), gy = g.outputSize(), gw = g.weightSize(), p = s.outHeight() * s.outWidth();
        for (int n = 0; n < s.batch(); n++) {
            for (int j = 0; j < groups; j++) {
                k.backwardWeights(g, x, xOff + (n * groups + j) * gx, dy, dyOff + (n * groups + j) * gy, dw, dwOff + j * gw, null);
            }
        }
        if (dbias != null) {
            if (dbias.length < s.outChannels()) throw new IllegalArgumentException("grouped conv: dbias of " + dbias.length + " floats, need " + s.outChannels() + " (" + s + ")");
            for (int n = 0; n < s.batch(); n++) {
                for (int o = 0; o < s.outChannels(); o++) {
                    int at = dyOff + (n * s.outChannels() + o) * p;
                    float sum = 0f;
                    for (int i = at; i < at + p; i++) sum += dy[i];
                    dbias[o] += sum;
                }
            }
        }
    }

    /** Naive definition, for tests and as the scalar reference: y[n][o][i][j] = b[o] + Σ over o's group. */
    public static void naiveForward(ConvShape s, int groups, float[] x, float[] w, float[] bias, float[] y) {
        requireGroups(s, groups);
        int cg = s.inChannels() / groups, kg = s.outChannels() / groups, oh = s.outHeight(), ow = s.outWidth();
        Arrays.fill(y, 0, s.outputSize(), 0f);
        for (int n = 0; n < s.batch(); n++)
            for (int o = 0; o < s.outChannels(); o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double sum = bias == null ? 0 : bias[o];
                        for (int c = 0; c < cg; c++) {
                            int ci = (o / kg) * cg + c;
                            for (int a = 0; a < s.kernelH(); a++)
                                for (int b = 0; b < s.kernelW(); b++) {
                                    int h = i * s.strideH() - s.padH() + a, v = j * s.strideW() - s.padW() + b;
                                    if (h < 0 || v < 0 || h >= s.inHeight() || v >= s.inWidth()) continue;
                                    sum += (double) x[((n * s.inChannels() + ci) * s.inHeight() + h) * s.inWidth() + v]
                                            * w[((o * cg + c) * s.kernelH() + a) * s.kernelW() + b];
                                }
                        }
                        y[((n * s.outChannels() + o) * oh + i) * ow + j] = (float) sum;
                    }
    }

    private static void requireArrays(ConvShape s, int groups, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        if (x == null || xOff < 0 || (long) xOff + s.inputSize() > x.length
                || w == null || wOff < 0 || (long) wOff + weightSize(s, groups) > w.length
                || y == null || yOff < 0 || (long) yOff + s.outputSize() > y.length) {
            throw new IllegalArgumentException("grouped conv (groups " + groups + "): arrays too short for " + s
                    + " with weights [" + s.outChannels() + ", " + s.inChannels() / groups + ", " + s.kernelH() + ", " + s.kernelW() + "]");
        }
    }
}
