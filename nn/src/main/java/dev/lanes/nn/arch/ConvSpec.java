package dev.lanes.nn.arch;

import java.util.Objects;

/** A 2-d convolution, weight [out, in, kernelH, kernelW], with stride and zero padding per axis. */
public record ConvSpec(int in, int out, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                       boolean bias, WeightFormat format) implements LayerSpec {
    public ConvSpec {
        LayerSpec.positive("conv in channels", in);
        LayerSpec.positive("conv out channels", out);
        LayerSpec.positive("conv kernel height", kernelH);
        LayerSpec.positive("conv kernel width", kernelW);
        LayerSpec.positive("conv stride height", strideH);
        LayerSpec.positive("conv stride width", strideW);
        LayerSpec.nonNegative("conv padding height", padH);
        LayerSpec.nonNegative("conv padding width", padW);
        Objects.requireNonNull(format, "weight format");
    }

    /** A square kernel with the same stride and padding on both axes and float weights. */
    public static ConvSpec square(int in, int out, int kernel, int stride, int padding, boolean bias) {
        return new ConvSpec(in, out, kernel, kernel, stride, stride, padding, padding, bias, WeightFormat.FLOAT);
    }

    public ConvSpec withChannels(int newIn, int newOut) {
        return new ConvSpec(newIn, newOut, kernelH, kernelW, strideH, strideW, padH, padW, bias, format);
    }

    public ConvSpec withKernel(int kh, int kw, int ph, int pw) {
        return new ConvSpec(in, out, kh, kw, strideH, strideW, ph, pw, bias, format);
    }

    public ConvSpec withBias(boolean b) {
        return new ConvSpec(in, out, kernelH, kernelW, strideH, strideW, padH, padW, b, format);
    }
}
