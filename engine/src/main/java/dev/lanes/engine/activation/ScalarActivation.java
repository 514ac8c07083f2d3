package dev.lanes.engine.activation;

/** The scalar reference activations: one plain loop each. */
public final class ScalarActivation implements ActivationKernels {
    @Override
    public void reluForward(float[] x, int xOff, float[] y, int yOff, int count) {
        ActivationChecks.unary("reluForward", x, xOff, y, yOff, count);
        for (int i = 0; i < count; i++) y[yOff + i] = Math.max(x[xOff + i], 0f);
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int count) {
        ActivationChecks.backward(y, yOff, dy, dyOff, dx, dxOff, count);
        for (int i = 0; i < count; i++) dx[dxOff + i] = y[yOff + i] > 0f ? dy[dyOff + i] : 0f;
    }

    @Override
    public void biasReluForward(int n, int c, int hw, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        ActivationChecks.biasRelu(n, c, hw, x, xOff, bias, y, yOff);
        for (int plane = 0; plane < n * c; plane++) {
            float b = bias[plane % c];
            int base = plane * hw;
            for (int i = 0; i < hw; i++) y[yOff + base + i] = Math.max(x[xOff + base + i] + b, 0f);
        }
    }
}
