package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.GlobalAvgPoolSpec;

/**
 * Global average pooling straight to features, so a {@link Linear} can follow without a {@link Flatten}
 * and the network accepts any resolution.
 *
 * <pre>
 * x [N, C, H, W]   y [N, C]
 * forward:  y[n][c] = mean of x[n][c][*][*]
 * backward: dx[n][c][*][*] = dy[n][c] / (H·W)
 * </pre>
 */
public final class GlobalAvgPool extends Module {
    private int[] inShape, outShape;
    private Tensor y, dx;

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 4) throw shapeError(this, s, "[N, C, H, W]");
        return new int[]{s[0], s[1]};
    }

    /** H·W adds per output (the last one a multiply by 1/(H·W)). */
    @Override
    public long flops(int[] s) {
        outputShape(s);
        return (long) s[0] * s[1] * s[2] * s[3];
    }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) {
            outShape = outputShape(x.shape());
            inShape = x.shape();
            y = Buffers.resize(y, outShape);
        }
        Kernels.pooling().globalAvgForward(inShape[0], inShape[1], inShape[2] * inShape[3], x.data(), x.offset(), y.data(), y.offset());
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, outShape);
        if (!needDx) return null;
        dx = Buffers.resize(dx, inShape);
        Kernels.pooling().globalAvgBackward(inShape[0], inShape[1], inShape[2] * inShape[3], dy.data(), dy.offset(), dx.data(), dx.offset());
        return dx;
    }

    @Override
    public GlobalAvgPoolSpec spec() { return new GlobalAvgPoolSpec(); }

    @Override
    public String describe() { return "GlobalAvgPool"; }
}
