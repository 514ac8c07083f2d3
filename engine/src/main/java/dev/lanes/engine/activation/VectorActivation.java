package dev.lanes.engine.activation;

import dev.lanes.engine.LoopTask;
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
    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);

    /** The arguments of one call, reused so that dispatch allocates nothing (see {@link LoopTask}). */
    private static final class Task extends LoopTask {
        private static final int RELU = 0, RELU_BACKWARD = 1, BIAS_RELU = 2;
        private int op, c, hw, xOff, yOff, dyOff, dxOff;
        private float[] x, y, dy, dx, bias;

        Task relu(float[] x, int xOff, float[] y, int yOff) {
            return biasRelu(0, 0, x, xOff, null, y, yOff).op(RELU);
        }

        Task reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
            this.y = y; this.yOff = yOff; this.dy = dy; this.dyOff = dyOff; this.dx = dx; this.dxOff = dxOff;
            return op(RELU_BACKWARD);
        }

        Task biasRelu(int c, int hw, float[] x, int xOff, float[] bias, float[] y, int yOff) {
            this.c = c; this.hw = hw; this.x = x; this.xOff = xOff; this.bias = bias; this.y = y; this.yOff = yOff;
            return op(BIAS_RELU);
        }

        private Task op(int op) {
            this.op = op;
            return this;
        }

        @Override
        public void run(int chunk, int from, int to) {
            switch (op) {
                case RELU -> VectorActivation.relu(x, xOff + from, y, yOff + from, to - from, 0f);
                case RELU_BACKWARD -> VectorActivation.reluBackward(y, yOff, dy, dyOff, dx, dxOff, from, to);
                default -> {
                    for (int plane = from; plane < to; plane++) {
                        VectorActivation.relu(x, xOff + plane * hw, y, yOff + plane * hw, hw, bias[plane % c]);
                    }
                }
            }
        }

        @Override
        protected void clear() {
            x = y = dy = dx = bias = null;
        }
    }

    @Override
    public void reluForward(float[] x, int xOff, float[] y, int yOff, int count) {
        ActivationChecks.unary("reluForward", x, xOff, y, yOff, count);
        TASKS.acquire().relu(x, xOff, y, yOff).forRange(count, GRAIN);
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
        TASKS.acquire().reluBackward(y, yOff, dy, dyOff, dx, dxOff).forRange(count, GRAIN);
    }

    /** dx = y > 0 ? dy : 0 over elements [from, to). */
    private static void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
            zero.blend(g, FloatVector.fromArray(S, y, yOff + i).compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i);
        }
        for (; i < to; i++) dx[dxOff + i] = y[yOff + i] > 0f ? dy[dyOff + i] : 0f;
    }

    @Override
    public void biasReluForward(int n, int c, int hw, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        ActivationChecks.biasRelu(n, c, hw, x, xOff, bias, y, yOff);
        if (hw == 0) return;
        TASKS.acquire().biasRelu(c, hw, x, xOff, bias, y, yOff).forRange(n * c, Math.max(1, GRAIN / hw));
    }
}
