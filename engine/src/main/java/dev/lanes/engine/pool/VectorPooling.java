package dev.lanes.engine.pool;

import dev.lanes.engine.LoopTask;
import dev.lanes.engine.VectorSums;
import dev.lanes.engine.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API pooling, split over the batch×channel planes. Max pooling 2x2 stride 2 (the common case) has a
 * vector path at the preferred width ({@link Max2x2Full}) and at 128 bits for narrower planes
 * ({@link Max2x2Narrow}); other max geometries run the reference window loop.
 * Average pooling is separable: the window's input rows are added as whole vectors into a row buffer, then
 * each output takes its few columns from that buffer. Max pooling keeps the reference's tie and NaN rules.
 */
public final class VectorPooling implements PoolingKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Input floats per chunk below which a thread is not worth waking. */
    private static final int GRAIN = 1 << 14;
    private static final LoopTask.PerThread<Task> TASKS = new LoopTask.PerThread<>(Task::new);

    /** The arguments of one call, reused so that dispatch allocates nothing (see {@link LoopTask}). */
    private static final class Task extends LoopTask {
        private static final int MAX = 0, MAX_BACKWARD = 1, AVG = 2, AVG_BACKWARD = 3, GLOBAL = 4, GLOBAL_BACKWARD = 5;
        private int op, hw, xOff, yOff, dyOff, dxOff;
        private PoolShape s;
        private float[] x, y, dy, dx;
        private int[] argmax;

        /** A forward op: x to y (argmax only for max pooling; s null for global pooling). */
        Task forward(int op, PoolShape s, int hw, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
            this.op = op; this.s = s; this.hw = hw; this.x = x; this.xOff = xOff; this.y = y; this.yOff = yOff; this.argmax = argmax;
            return this;
        }

        /** A backward op: dy to dx. */
        Task backward(int op, PoolShape s, int hw, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff) {
            this.op = op; this.s = s; this.hw = hw; this.dy = dy; this.dyOff = dyOff; this.argmax = argmax; this.dx = dx; this.dxOff = dxOff;
            return this;
        }

        @Override
        public void run(int chunk, int from, int to) {
            switch (op) {
                case MAX -> maxPlanes(from, to);
                case MAX_BACKWARD -> maxBackwardPlanes(from, to);
                case AVG -> avgPlanes(from, to);
                case AVG_BACKWARD -> avgBackwardPlanes(from, to);
                case GLOBAL -> globalPlanes(from, to);
                default -> globalBackwardPlanes(from, to);
            }
        }

        @Override
        protected void clear() {
            s = null;
            x = y = dy = dx = null;
            argmax = null;
        }

        private void maxPlanes(int from, int to) {
            boolean fast = s.kernelH() == 2 && s.kernelW() == 2 && s.strideH() == 2 && s.strideW() == 2
                    && s.padH() == 0 && s.padW() == 0;
            for (int plane = from; plane < to; plane++) {
                if (fast) max2x2(s, x, xOff + plane * hw, y, yOff, argmax, plane * s.outHeight() * s.outWidth());
                else ScalarPooling.maxPlane(s, x, xOff + plane * hw, y, yOff, argmax, plane * s.outHeight() * s.outWidth());
            }
        }

        private void maxBackwardPlanes(int from, int to) {
            int ohw = s.outHeight() * s.outWidth();
            for (int plane = from; plane < to; plane++) {
                int in = dxOff + plane * hw, o = plane * ohw;
                Arrays.fill(dx, in, in + hw, 0f);
                for (int k = 0; k < ohw; k++) {
                    int a = argmax[o + k];
                    if (a < 0 || a >= hw) {
                        throw new IllegalArgumentException("maxBackward: argmax[" + (o + k) + "] = " + a + " is outside the "
                                + s.inHeight() + "x" + s.inWidth() + " plane of input " + PoolChecks.in(s));
                    }
                    dx[in + a] += dy[dyOff + o + k];
                }
            }
        }

        private void avgPlanes(int from, int to) {
            int h = s.inHeight(), w = s.inWidth(), oh = s.outHeight(), ow = s.outWidth();
            float inv = 1f / (s.kernelH() * s.kernelW());
            float[] rows = Workspace.floats(Workspace.SCRATCH, w);
            for (int plane = from; plane < to; plane++) {
                int in = xOff + plane * h * w, out = yOff + plane * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int h0 = i * s.strideH() - s.padH(), r0 = Math.max(h0, 0), rEnd = Math.min(h0 + s.kernelH(), h);
                    System.arraycopy(x, in + r0 * w, rows, 0, w);
                    for (int r = r0 + 1; r < rEnd; r++) addRow(x, in + r * w, rows, w);
                    for (int j = 0; j < ow; j++) {
                        int w0 = j * s.strideW() - s.padW(), qEnd = Math.min(w0 + s.kernelW(), w);
                        float sum = 0f;
                        for (int q = Math.max(w0, 0); q < qEnd; q++) sum += rows[q];
                        y[out + i * ow + j] = sum * inv;
                    }
                }
            }
        }

        private void avgBackwardPlanes(int from, int to) {
            int h = s.inHeight(), w = s.inWidth(), oh = s.outHeight(), ow = s.outWidth();
            float inv = 1f / (s.kernelH() * s.kernelW());
            float[] cols = Workspace.floats(Workspace.SCRATCH, w);
            for (int plane = from; plane < to; plane++) {
                int in = dxOff + plane * h * w, o = dyOff + plane * oh * ow;
                Arrays.fill(dx, in, in + h * w, 0f);
                for (int i = 0; i < oh; i++) {
                    // the gradient one output row sends to each input column, then to every row of its window
                    Arrays.fill(cols, 0, w, 0f);
                    for (int j = 0; j < ow; j++) {
                        int w0 = j * s.strideW() - s.padW(), qEnd = Math.min(w0 + s.kernelW(), w);
                        float g = dy[o + i * ow + j] * inv;
                        for (int q = Math.max(w0, 0); q < qEnd; q++) cols[q] += g;
                    }
                    int h0 = i * s.strideH() - s.padH();
                    for (int r = Math.max(h0, 0); r < Math.min(h0 + s.kernelH(), h); r++) {
                        int d = in + r * w, q = 0;
                        for (int bound = S.loopBound(w); q < bound; q += L) {
                            FloatVector.fromArray(S, dx, d + q).add(FloatVector.fromArray(S, cols, q)).intoArray(dx, d + q);
                        }
                        for (; q < w; q++) dx[d + q] += cols[q];
                    }
                }
            }
        }

        private void globalPlanes(int from, int to) {
            for (int plane = from; plane < to; plane++) {
                int base = xOff + plane * hw, i = 0;
                FloatVector acc = FloatVector.zero(S);
                for (int bound = S.loopBound(hw); i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, x, base + i));
                double sum = VectorSums.sum(acc);
                for (; i < hw; i++) sum += x[base + i];
                y[yOff + plane] = (float) (sum / hw);
            }
        }

        private void globalBackwardPlanes(int from, int to) {
            for (int plane = from; plane < to; plane++) {
                float g = dy[dyOff + plane] / hw;
                FloatVector gv = FloatVector.broadcast(S, g);
                int base = dxOff + plane * hw, i = 0;
                for (int bound = S.loopBound(hw); i < bound; i += L) gv.intoArray(dx, base + i);
                for (; i < hw; i++) dx[base + i] = g;
            }
        }
    }

    private static int planeGrain(int planeSize) {
        return Math.max(1, GRAIN / Math.max(1, planeSize));
    }

    @Override
    public void maxForward(PoolShape s, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
        PoolChecks.window("maxForward", s, "x", x, xOff, "y", y, yOff);
        PoolChecks.argmax("maxForward", s, argmax);
        int hw = s.inHeight() * s.inWidth();
        TASKS.acquire().forward(Task.MAX, s, hw, x, xOff, y, yOff, argmax).forRange(s.batch() * s.channels(), planeGrain(hw));
    }

    /** One plane of 2x2 stride-2 max pooling; {@code o} is the plane's first output index. */
    private static void max2x2(PoolShape s, float[] x, int in, float[] y, int yOff, int[] argmax, int o) {
        int ow = s.outWidth();
        if (ow >= L) Max2x2Full.plane(s, x, in, y, yOff, argmax, o);
        else if (Max2x2Narrow.L < L && ow >= Max2x2Narrow.L) Max2x2Narrow.plane(s, x, in, y, yOff, argmax, o);
        else max2x2Scalar(s, x, in, y, yOff, argmax, o);
    }

    /** The 2x2 stride-2 window as a plain loop, for planes narrower than 4 outputs (or than a vector when that is 4 lanes). */
    private static void max2x2Scalar(PoolShape s, float[] x, int in, float[] y, int yOff, int[] argmax, int o) {
        int w = s.inWidth(), oh = s.outHeight(), ow = s.outWidth();
        for (int i = 0; i < oh; i++) {
            int r0 = 2 * i * w, out = o + i * ow;
            for (int j = 0; j < ow; j++) {
                // window order (0,0) (0,1) (1,0) (1,1), as the reference scans it
                int a = r0 + 2 * j;
                int where = pick(x, in, a + 1, a);
                where = pick(x, in, a + w, where);
                where = pick(x, in, a + w + 1, where);
                y[yOff + out + j] = x[in + where];
                argmax[out + j] = where;
            }
        }
    }

    /** The reference's rule: a later element wins when greater, or when it is NaN. */
    private static int pick(float[] x, int in, int candidate, int where) {
        float v = x[in + candidate];
        return v > x[in + where] || Float.isNaN(v) ? candidate : where;
    }

    @Override
    public void maxBackward(PoolShape s, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff) {
        PoolChecks.window("maxBackward", s, "dx", dx, dxOff, "dy", dy, dyOff);
        PoolChecks.argmax("maxBackward", s, argmax);
        int hw = s.inHeight() * s.inWidth();
        TASKS.acquire().backward(Task.MAX_BACKWARD, s, hw, dy, dyOff, argmax, dx, dxOff).forRange(s.batch() * s.channels(), planeGrain(hw));
    }

    @Override
    public void avgForward(PoolShape s, float[] x, int xOff, float[] y, int yOff) {
        PoolChecks.window("avgForward", s, "x", x, xOff, "y", y, yOff);
        int hw = s.inHeight() * s.inWidth();
        TASKS.acquire().forward(Task.AVG, s, hw, x, xOff, y, yOff, null).forRange(s.batch() * s.channels(), planeGrain(hw));
    }

    /** dst[0, len) += src[srcOff, srcOff + len). */
    private static void addRow(float[] src, int srcOff, float[] dst, int len) {
        int q = 0;
        for (int bound = S.loopBound(len); q < bound; q += L) {
            FloatVector.fromArray(S, dst, q).add(FloatVector.fromArray(S, src, srcOff + q)).intoArray(dst, q);
        }
        for (; q < len; q++) dst[q] += src[srcOff + q];
    }

    @Override
    public void avgBackward(PoolShape s, float[] dy, int dyOff, float[] dx, int dxOff) {
        PoolChecks.window("avgBackward", s, "dx", dx, dxOff, "dy", dy, dyOff);
        int hw = s.inHeight() * s.inWidth();
        TASKS.acquire().backward(Task.AVG_BACKWARD, s, hw, dy, dyOff, null, dx, dxOff).forRange(s.batch() * s.channels(), planeGrain(hw));
    }

    @Override
    public void globalAvgForward(int n, int c, int hw, float[] x, int xOff, float[] y, int yOff) {
        PoolChecks.global("globalAvgForward", n, c, hw, "x", x, xOff, "y", y, yOff);
        TASKS.acquire().forward(Task.GLOBAL, null, hw, x, xOff, y, yOff, null).forRange(n * c, planeGrain(hw));
    }

    @Override
    public void globalAvgBackward(int n, int c, int hw, float[] dy, int dyOff, float[] dx, int dxOff) {
        PoolChecks.global("globalAvgBackward", n, c, hw, "dx", dx, dxOff, "dy", dy, dyOff);
        TASKS.acquire().backward(Task.GLOBAL_BACKWARD, null, hw, dy, dyOff, null, dx, dxOff).forRange(n * c, planeGrain(hw));
    }
}
