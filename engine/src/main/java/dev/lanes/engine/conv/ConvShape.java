package dev.lanes.engine.conv;

import dev.lanes.engine.Shapes;

/**
 * The geometry of a 2-D convolution over an NCHW batch: input [batch, inChannels, inHeight, inWidth],
 * weights [outChannels, inChannels, kernelH, kernelW], output [batch, outChannels, outHeight, outWidth].
 * Validated on construction; the message names every dimension.
 */
public record ConvShape(int batch, int inChannels, int inHeight, int inWidth,
                        int outChannels, int kernelH, int kernelW,
                        int strideH, int strideW, int padH, int padW) {

    public ConvShape {
        Shapes.requirePositive(describe("conv", batch, inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, strideH, strideW, padH, padW),
                new int[]{batch, inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, strideH, strideW},
                "batch", "inChannels", "inHeight", "inWidth", "outChannels", "kernelH", "kernelW", "strideH", "strideW");
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException(describe("conv", batch, inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, strideH, strideW, padH, padW)
                    + ": padding must be >= 0");
        }
        if (inHeight + 2 * padH < kernelH || inWidth + 2 * padW < kernelW) {
            throw new IllegalArgumentException(describe("conv", batch, inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, strideH, strideW, padH, padW)
                    + ": kernel larger than the padded input");
        }
    }

    /** Square kernel, same stride and padding in both directions. */
    public static ConvShape of(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int pad) {
        return new ConvShape(batch, inChannels, height, width, outChannels, kernel, kernel, stride, stride, pad, pad);
    }

    public int outHeight() { return (inHeight + 2 * padH - kernelH) / strideH + 1; }

    public int outWidth() { return (inWidth + 2 * padW - kernelW) / strideW + 1; }

    public int inputSize() { return batch * inChannels * inHeight * inWidth; }

    public int outputSize() { return batch * outChannels * outHeight() * outWidth(); }

    public int weightSize() { return outChannels * inChannels * kernelH * kernelW; }

    /** Multiply-adds of the forward pass times two. Backward-data and backward-weights cost the same each. */
    public long forwardFlops() {
        return 2L * batch * outChannels * outHeight() * outWidth() * inChannels * kernelH * kernelW;
    }

    @Override
    public String toString() {
        return describe("conv", batch, inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, strideH, strideW, padH, padW);
    }

    private static String describe(String what, int n, int c, int h, int w, int k, int kh, int kw, int sh, int sw, int ph, int pw) {
        return what + " input [" + n + ", " + c + ", " + h + ", " + w + "] weights [" + k + ", " + c + ", " + kh + ", " + kw
                + "] stride " + sh + "x" + sw + " pad " + ph + "x" + pw;
    }
}
