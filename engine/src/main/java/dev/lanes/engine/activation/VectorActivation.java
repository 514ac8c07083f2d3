package dev.lanes.engine.activation;

import dev.lanes.engine.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activations: full vectors then a scalar tail, split over threads in contiguous ranges. Each lane
 * does the same float operation as {@link ScalarActivation}, so the two agree to the bit.
 */
public final class VectorActivation implements ActivationKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per chunk below which a thread is not worth waking (these loops are memory-bound). */
    private static final int GRAIN = 1 << 15;

    @Override
    public void reluForward(float[] x, int xOff, float[] y, int yOff, int count) {
        ActivationChecks.unary("reluForward", x, xOff, y, yOff, count);
        Parallel.forRange(count, GRAIN, (chunk, from, to) -> relu(x, xOff + from, y, yOff + from, to - from, 0f));
    }

    /** y = max(x + b, 0) over {@code len} floats. */
    private static void relu(float[] x, int xo, float[] y, int yo, int len, float b) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xo + i).add(b).max(0f).intoArray(y, yo + i);
        }
        for (; i < len; i++) y[yo + i] = Math.max(x[xo + i] + b, 0f);
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int count) {
        ActivationChecks.backward(y, yOff, dy, dyOff, dx, dxOff, count);
        Parallel.forRange(count, GRAIN, (chunk, from, to) -> {
            FloatVector zero = FloatVector.zero(S);
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
                zero.blend(g, FloatVector.fromArray(S, y, yOff + i).compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i);
            }
            for (; i < to; i++) dx[dxOff + i] = y[yOff + i] > 0f ? dy[dyOff + i] : 0f;
        });
    }

    @Override
    public void biasReluForward(int n, int c, int hw, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        ActivationChecks.biasRelu(n, c, hw, x, xOff, bias, y, yOff);
        if (hw == 0) return;
        Parallel.forRange(n * c, Math.max(1, GRAIN / hw), (chunk, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                relu(x, xOff + plane * hw, y, yOff + plane * hw, hw, bias[plane % c]);
            }
        });
    }
}
