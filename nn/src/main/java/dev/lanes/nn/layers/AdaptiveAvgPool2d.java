package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.AdaptiveAvgPoolSpec;

/**
 * Average pooling to a fixed output size whatever the input resolution, with PyTorch's bins: output row i
 * averages input rows [floor(i·H/OH), ceil((i+1)·H/OH)), columns likewise. Bins may overlap, and when H &lt; OH
 * rows repeat. When H is a multiple of OH the bins are the non-overlapping windows of an H/OH average pool;
 * when H == OH the layer is the identity (each bin one value, divided by 1).
 *
 * <pre>
 * x [N, C, H, W]   y [N, C, OH, OW]
 * forward:  y[n,c,i,j] = mean of x[n,c,h,w] over h in rows(i), w in cols(j)
 * backward: dx[n,c,h,w] = Σ over bins (i, j) containing (h, w) of dy[n,c,i,j] / |bin(i, j)|
 * </pre>
 * A plain loop: the layer runs once per network on a small map (a head's input), so there is no vector twin.
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int outH, outW;
    private int[] inShape, outShape;
    private int[] rowStart, rowEnd, colStart, colEnd; // the bins for the current input size
    private Tensor y, dx;

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got " + outH + "x" + outW);
        this.outH = outH;
        this.outW = outW;
    }

    public int outH() { return outH; }

    public int outW() { return outW; }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 4 || s[2] < 1 || s[3] < 1) throw shapeError(this, s, "[N, C, H, W]");
        return new int[]{s[0], s[1], outH, outW};
    }

    /** One add per input value of each bin (the last one a multiply by 1/|bin|). */
    @Override
    public long flops(int[] s) {
        outputShape(s);
        long rows = 0, cols = 0;
        for (int i = 0; i < outH; i++) rows += end(i, s[2], outH) - start(i, s[2], outH);
        for (int j = 0; j < outW; j++) cols += end(j, s[3], outW) - start(j, s[3], outW);
        return (long) s[0] * s[1] * rows * cols;
    }

    static int start(int i, int in, int out) { return (int) ((long) i * in / out); }

    static int end(int i, int in, int out) { return (int) (((long) (i + 1) * in + out - 1) / out); }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) {
            outShape = outputShape(x.shape());
            inShape = x.shape();
            y = Buffers.resize(y, outShape);
            rowStart = new int[outH];
            rowEnd = new int[outH];
            colStart = new int[outW];
            colEnd = new int[outW];
            for (int i = 0; i < outH; i++) { rowStart[i] = start(i, inShape[2], outH); rowEnd[i] = end(i, inShape[2], outH); }
            for (int j = 0; j < outW; j++) { colStart[j] = start(j, inShape[3], outW); colEnd[j] = end(j, inShape[3], outW); }
        }
        int planes = inShape[0] * inShape[1], h = inShape[2], w = inShape[3];
        float[] xd = x.data(), yd = y.data();
        for (int p = 0; p < planes; p++) {
            int xBase = x.offset() + p * h * w, yBase = y.offset() + p * outH * outW;
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    float sum = 0f;
                    for (int r = rowStart[i]; r < rowEnd[i]; r++) {
                        for (int c = colStart[j]; c < colEnd[j]; c++) sum += xd[xBase + r * w + c];
                    }
                    yd[yBase + i * outW + j] = sum / ((rowEnd[i] - rowStart[i]) * (colEnd[j] - colStart[j]));
                }
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, outShape);
        if (!needDx) return null;
        dx = Buffers.resize(dx, inShape);
        dx.fill(0f);
        int planes = inShape[0] * inShape[1], h = inShape[2], w = inShape[3];
        float[] dxd = dx.data(), dyd = dy.data();
        for (int p = 0; p < planes; p++) {
            int xBase = dx.offset() + p * h * w, yBase = dy.offset() + p * outH * outW;
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    float g = dyd[yBase + i * outW + j] / ((rowEnd[i] - rowStart[i]) * (colEnd[j] - colStart[j]));
                    for (int r = rowStart[i]; r < rowEnd[i]; r++) {
                        for (int c = colStart[j]; c < colEnd[j]; c++) dxd[xBase + r * w + c] += g;
                    }
                }
            }
        }
        return dx;
    }

    @Override
    public AdaptiveAvgPoolSpec spec() { return new AdaptiveAvgPoolSpec(outH, outW); }

    @Override
    public String describe() { return "AdaptiveAvgPool2d(" + outH + "x" + outW + ")"; }
}
