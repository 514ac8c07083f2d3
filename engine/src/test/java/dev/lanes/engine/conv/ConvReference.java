package dev.lanes.engine.conv;

/**
 * The convolution straight from its definition, in double, with each gradient written as its own gather
 * loop (not as the adjoint of an im2col), so the tests compare against something derived independently.
 * Each method also returns Σ|term| per output in {@code mag}, the scale the float rounding error follows.
 */
final class ConvReference {
    private ConvReference() {}

    /** y[n][k][r][q] = bias[k] + Σ_{c,i,j} x[n][c][r*sh - ph + i][q*sw - pw + j] · w[k][c][i][j]. */
    static double[] forward(ConvShape s, float[] x, float[] w, float[] bias, double[] mag) {
        int oh = s.outHeight(), ow = s.outWidth();
        double[] y = new double[s.outputSize()];
        for (int n = 0; n < s.batch(); n++)
            for (int k = 0; k < s.outChannels(); k++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++) {
                        double sum = bias == null ? 0 : bias[k], abs = Math.abs(sum);
                        for (int c = 0; c < s.inChannels(); c++)
                            for (int i = 0; i < s.kernelH(); i++)
                                for (int j = 0; j < s.kernelW(); j++) {
                                    int ih = r * s.strideH() - s.padH() + i, iw = q * s.strideW() - s.padW() + j;
                                    if (ih < 0 || ih >= s.inHeight() || iw < 0 || iw >= s.inWidth()) continue;
                                    double t = (double) x[xIndex(s, n, c, ih, iw)] * w[wIndex(s, k, c, i, j)];
                                    sum += t;
                                    abs += Math.abs(t);
                                }
                        int o = ((n * s.outChannels() + k) * oh + r) * ow + q;
                        y[o] = sum;
                        mag[o] = abs;
                    }
        return y;
    }

    /** dx[n][c][h][v] = Σ over (k, i, j) with (h + ph - i) and (v + pw - j) landing on an output pixel. */
    static double[] backwardData(ConvShape s, float[] dy, float[] w, double[] mag) {
        int oh = s.outHeight(), ow = s.outWidth();
        double[] dx = new double[s.inputSize()];
        for (int n = 0; n < s.batch(); n++)
            for (int c = 0; c < s.inChannels(); c++)
                for (int h = 0; h < s.inHeight(); h++)
                    for (int v = 0; v < s.inWidth(); v++) {
                        double sum = 0, abs = 0;
                        for (int k = 0; k < s.outChannels(); k++)
                            for (int i = 0; i < s.kernelH(); i++)
                                for (int j = 0; j < s.kernelW(); j++) {
                                    int rs = h + s.padH() - i, qs = v + s.padW() - j;
                                    if (rs < 0 || qs < 0 || rs % s.strideH() != 0 || qs % s.strideW() != 0) continue;
                                    int r = rs / s.strideH(), q = qs / s.strideW();
                                    if (r >= oh || q >= ow) continue;
                                    double t = (double) dy[((n * s.outChannels() + k) * oh + r) * ow + q] * w[wIndex(s, k, c, i, j)];
                                    sum += t;
                                    abs += Math.abs(t);
                                }
                        int o = xIndex(s, n, c, h, v);
                        dx[o] = sum;
                        mag[o] = abs;
                    }
        return dx;
    }

    /** dw[k][c][i][j] = Σ_{n,r,q} dy[n][k][r][q] · x[n][c][r*sh - ph + i][q*sw - pw + j]. */
    static double[] backwardWeights(ConvShape s, float[] x, float[] dy, double[] mag) {
        int oh = s.outHeight(), ow = s.outWidth();
        double[] dw = new double[s.weightSize()];
        for (int k = 0; k < s.outChannels(); k++)
            for (int c = 0; c < s.inChannels(); c++)
                for (int i = 0; i < s.kernelH(); i++)
                    for (int j = 0; j < s.kernelW(); j++) {
                        double sum = 0, abs = 0;
                        for (int n = 0; n < s.batch(); n++)
                            for (int r = 0; r < oh; r++)
                                for (int q = 0; q < ow; q++) {
                                    int ih = r * s.strideH() - s.padH() + i, iw = q * s.strideW() - s.padW() + j;
                                    if (ih < 0 || ih >= s.inHeight() || iw < 0 || iw >= s.inWidth()) continue;
                                    double t = (double) dy[((n * s.outChannels() + k) * oh + r) * ow + q] * x[xIndex(s, n, c, ih, iw)];
                                    sum += t;
                                    abs += Math.abs(t);
                                }
                        int o = wIndex(s, k, c, i, j);
                        dw[o] = sum;
                        mag[o] = abs;
                    }
        return dw;
    }

    /** dbias[k] = Σ_{n,r,q} dy[n][k][r][q]. */
    static double[] backwardBias(ConvShape s, float[] dy, double[] mag) {
        int plane = s.outHeight() * s.outWidth();
        double[] db = new double[s.outChannels()];
        for (int n = 0; n < s.batch(); n++)
            for (int k = 0; k < s.outChannels(); k++)
                for (int p = 0; p < plane; p++) {
                    float t = dy[(n * s.outChannels() + k) * plane + p];
                    db[k] += t;
                    mag[k] += Math.abs(t);
                }
        return db;
    }

    private static int xIndex(ConvShape s, int n, int c, int h, int v) {
        return ((n * s.inChannels() + c) * s.inHeight() + h) * s.inWidth() + v;
    }

    private static int wIndex(ConvShape s, int k, int c, int i, int j) {
        return ((k * s.inChannels() + c) * s.kernelH() + i) * s.kernelW() + j;
    }
}
