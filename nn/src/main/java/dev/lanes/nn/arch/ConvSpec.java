package dev.lanes.nn.arch;

import java.util.Objects;

/**
 * A 2-d convolution, weight [out, in/groups, kernelH, kernelW], with stride and zero padding per axis; with
 * {@code groups} > 1 output group g sees only input group g (depthwise: groups == in).
 */
public record ConvSpec(int in, int out, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                       boolean bias, WeightFormat format, int groups) implements LayerSpec {
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
        LayerSpec.positive("conv groups", groups);
        if (in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException("conv groups " + groups + " must divide in channels " + in + " and out channels " + out);
        if (groups > 1 && format != WeightFormat.FLOAT)
            throw new IllegalArgumentException("conv groups " + groups + ": grouped convolution has float weights only, not " + format);
    }

    /** An ungrouped convolution (groups 1). */
    public ConvSpec(int in, int out, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean bias, WeightFormat format) {
        this(in, out, kernelH, kernelW, strideH, strideW, padH, padW, bias, format, 1);
    }

    /** A square depthwise kernel: one filter per channel (groups == channels), float weights. */
    public static ConvSpec depthwise(int channels, int kernel, int stride, int padding, boolean bias) {
        return new ConvSpec(channels, channels, kernel, kernel, stride, stride, padding, padding, bias, WeightFormat.FLOAT, channels);
    }

    /** A square kernel with the same stride and padding on both axes and float weights. */
    public static ConvSpec square(int in, int out, int kernel, int stride, int padding, boolean bias) {
        return new ConvSpec(in, out, kernel, kernel, stride, stride, padding, padding, bias, WeightFormat.FLOAT);
    }

    public ConvSpec withChannels(int newIn, int newOut) {
        return new ConvSpec(newIn, newOut, kernelH, kernelW, strideH, strideW, padH, padW, bias, format, groups);
    }

    public ConvSpec withKernel(int kh, int kw, int ph, int pw) {
        return new ConvSpec(in, out, kh, kw, strideH, strideW, ph, pw, bias, format, groups);
    }

    public ConvSpec withBias(boolean b) {
        return new ConvSpec(in, out, kernelH, kernelW, strideH, strideW, padH, padW, b, format, groups);
    }
}
