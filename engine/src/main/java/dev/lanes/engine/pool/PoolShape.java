package dev.lanes.engine.pool;

import dev.lanes.engine.Shapes;

/** The geometry of a 2-D pooling window over an NCHW batch. */
public record PoolShape(int batch, int channels, int inHeight, int inWidth,
                        int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

    public PoolShape {
        Shapes.requirePositive("pool input [" + batch + ", " + channels + ", " + inHeight + ", " + inWidth + "] window "
                        + kernelH + "x" + kernelW + " stride " + strideH + "x" + strideW,
                new int[]{batch, channels, inHeight, inWidth, kernelH, kernelW, strideH, strideW},
                "batch", "channels", "inHeight", "inWidth", "kernelH", "kernelW", "strideH", "strideW");
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool window " + kernelH + "x" + kernelW + ": padding " + padH + "x" + padW
                    + " must be >= 0 and at most half the window");
        }
        if (inHeight + 2 * padH < kernelH || inWidth + 2 * padW < kernelW) {
            throw new IllegalArgumentException("pool window " + kernelH + "x" + kernelW + " larger than the padded input "
                    + inHeight + "x" + inWidth);
        }
    }

    public static PoolShape of(int batch, int channels, int height, int width, int kernel, int stride, int pad) {
        return new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride, pad, pad);
    }

    public int outHeight() { return (inHeight + 2 * padH - kernelH) / strideH + 1; }

    public int outWidth() { return (inWidth + 2 * padW - kernelW) / strideW + 1; }

    public int inputSize() { return batch * channels * inHeight * inWidth; }

    public int outputSize() { return batch * channels * outHeight() * outWidth(); }
}
