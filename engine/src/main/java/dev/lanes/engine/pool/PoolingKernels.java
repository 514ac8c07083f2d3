package dev.lanes.engine.pool;

/** Pooling over NCHW data. Backward passes overwrite dx. */
public interface PoolingKernels {
    /**
     * Max pooling; {@code argmax[i]} receives, for output element i, the index of the chosen input element
     * within its (h, w) plane. Padding never wins.
     */
    void maxForward(PoolShape s, float[] x, int xOff, float[] y, int yOff, int[] argmax);

    void maxBackward(PoolShape s, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff);

    /** Average pooling; the divisor is the full window area, padding counted as zeros (PyTorch's default). */
    void avgForward(PoolShape s, float[] x, int xOff, float[] y, int yOff);

    void avgBackward(PoolShape s, float[] dy, int dyOff, float[] dx, int dxOff);

    /** y[n][c] = mean of x[n][c][*]. */
    void globalAvgForward(int n, int c, int hw, float[] x, int xOff, float[] y, int yOff);

    void globalAvgBackward(int n, int c, int hw, float[] dy, int dyOff, float[] dx, int dxOff);
}
