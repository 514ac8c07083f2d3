package dev.lanes.engine.pool;

/**
 * The scalar reference pooling: for each output element, a loop over its window clipped to the input.
 * Max pooling follows PyTorch: the first maximum in window order wins, and a NaN wins over numbers.
 */
public final class ScalarPooling implements PoolingKernels {
    @Override
    public void maxForward(PoolShape s, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
        PoolChecks.window("maxForward", s, "x", x, xOff, "y", y, yOff);
        PoolChecks.argmax("maxForward", s, argmax);
        int h = s.inHeight(), w = s.inWidth(), oh = s.outHeight(), ow = s.outWidth();
        for (int plane = 0; plane < s.batch() * s.channels(); plane++) {
            maxPlane(s, x, xOff + plane * h * w, y, yOff, argmax, plane * oh * ow);
        }
    }

    /** One plane of max pooling with any geometry; the Vector set uses it for windows it has no fast path for. */
    static void maxPlane(PoolShape s, float[] x, int in, float[] y, int yOff, int[] argmax, int o) {
        int h = s.inHeight(), w = s.inWidth(), oh = s.outHeight(), ow = s.outWidth();
        for (int i = 0; i < oh; i++) {
            int h0 = i * s.strideH() - s.padH(), rEnd = Math.min(h0 + s.kernelH(), h);
            for (int j = 0; j < ow; j++) {
                int w0 = j * s.strideW() - s.padW(), qEnd = Math.min(w0 + s.kernelW(), w);
                float best = Float.NEGATIVE_INFINITY;
                int where = -1;
                for (int r = Math.max(h0, 0); r < rEnd; r++) {
                    for (int q = Math.max(w0, 0); q < qEnd; q++) {
                        float v = x[in + r * w + q];
                        if (where < 0 || v > best || Float.isNaN(v)) {
                            best = v;
                            where = r * w + q;
                        }
                    }
                }
                y[yOff + o + i * ow + j] = best;
                argmax[o + i * ow + j] = where;
            }
        }
    }

    @Override
    public void maxBackward(PoolShape s, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff) {
        PoolChecks.window("maxBackward", s, "dx", dx, dxOff, "dy", dy, dyOff);
        PoolChecks.argmax("maxBackward", s, argmax);
        int hw = s.inHeight() * s.inWidth(), ohw = s.outHeight() * s.outWidth();
        for (int plane = 0; plane < s.batch() * s.channels(); plane++) {
            int in = dxOff + plane * hw, o = plane * ohw;
            java.util.Arrays.fill(dx, in, in + hw, 0f);
            for (int k = 0; k < ohw; k++) {
                int a = argmax[o + k];
                if (a < 0 || a >= hw) {
                    throw new IllegalArgumentException("maxBackward: argmax[" + (o + k) + "] = " + a
                            + " is outside the " + s.inHeight() + "x" + s.inWidth() + " plane of input " + PoolChecks.in(s));
                }
                dx[in + a] += dy[dyOff + o + k];
            }
        }
    }

    @Override
    public void avgForward(PoolShape s, float[] x, int xOff, float[] y, int yOff) {
        PoolChecks.window("avgForward", s, "x", x, xOff, "y", y, yOff);
        int h = s.inHeight(), w = s.inWidth(), oh = s.outHeight(), ow = s.outWidth();
        float inv = 1f / (s.kernelH() * s.kernelW());
        for (int plane = 0; plane < s.batch() * s.channels(); plane++) {
            int in = xOff + plane * h * w, o = yOff + plane * oh * ow;
            for (int i = 0; i < oh; i++) {
                int h0 = i * s.strideH() - s.padH();
                for (int j = 0; j < ow; j++) {
                    int w0 = j * s.strideW() - s.padW();
                    float sum = 0f;
                    for (int r = Math.max(h0, 0); r < Math.min(h0 + s.kernelH(), h); r++) {
                        for (int q = Math.max(w0, 0); q < Math.min(w0 + s.kernelW(), w); q++) sum += x[in + r * w + q];
                    }
                    y[o + i * ow + j] = sum * inv;
                }
            }
        }
    }

    @Override
    public void avgBackward(PoolShape s, float[] dy, int dyOff, float[] dx, int dxOff) {
        PoolChecks.window("avgBackward", s, "dx", dx, dxOff, "dy", dy, dyOff);
        int h = s.inHeight(), w = s.inWidth(), oh = s.outHeight(), ow = s.outWidth();
        float inv = 1f / (s.kernelH() * s.kernelW());
        for (int plane = 0; plane < s.batch() * s.channels(); plane++) {
            int in = dxOff + plane * h * w, o = dyOff + plane * oh * ow;
            java.util.Arrays.fill(dx, in, in + h * w, 0f);
            for (int i = 0; i < oh; i++) {
                int h0 = i * s.strideH() - s.padH();
                for (int j = 0; j < ow; j++) {
                    int w0 = j * s.strideW() - s.padW();
                    float g = dy[o + i * ow + j] * inv;
                    for (int r = Math.max(h0, 0); r < Math.min(h0 + s.kernelH(), h); r++) {
                        for (int q = Math.max(w0, 0); q < Math.min(w0 + s.kernelW(), w); q++) dx[in + r * w + q] += g;
                    }
                }
            }
        }
    }

    @Override
    public void globalAvgForward(int n, int c, int hw, float[] x, int xOff, float[] y, int yOff) {
        PoolChecks.global("globalAvgForward", n, c, hw, "x", x, xOff, "y", y, yOff);
        for (int plane = 0; plane < n * c; plane++) {
            double sum = 0;
            for (int i = 0; i < hw; i++) sum += x[xOff + plane * hw + i];
            y[yOff + plane] = (float) (sum / hw);
        }
    }

    @Override
    public void globalAvgBackward(int n, int c, int hw, float[] dy, int dyOff, float[] dx, int dxOff) {
        PoolChecks.global("globalAvgBackward", n, c, hw, "dx", dx, dxOff, "dy", dy, dyOff);
        for (int plane = 0; plane < n * c; plane++) {
            float g = dy[dyOff + plane] / hw;
            java.util.Arrays.fill(dx, dxOff + plane * hw, dxOff + (plane + 1) * hw, g);
        }
    }
}
