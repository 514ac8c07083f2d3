package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.DropoutSpec;

/**
 * Inverted dropout: in training each element is kept with probability 1 − p and scaled by 1 / (1 − p);
 * in eval it is the identity.
 *
 * <pre>
 * x, y, mask [any]
 * forward:  y = x · mask     mask[i] = hash(seed, step, i) ≥ p ? 1/(1−p) : 0
 * backward: dx = dy · mask
 * </pre>
 * The mask comes from a counter-based hash of (seed, forward-call counter, element index), so the same seed
 * gives the same sequence of masks on any thread count, and no generator state is shared.
 */
public final class Dropout extends Module {
    private final float p;
    private long seed;
    private long step;

    private int[] shape;
    private boolean masked; // whether the last forward applied the mask
    private Tensor mask, y, dx;

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1) but is " + p);
        this.p = p;
        this.seed = seed;
    }

    public float p() { return p; }

    /** Restarts the mask sequence from {@code seed}. */
    public void reseed(long seed) {
        this.seed = seed;
        this.step = 0;
    }

    @Override
    public int[] outputShape(int[] inputShape) { return inputShape.clone(); }

    /** One multiply per element in training, nothing in eval. */
    @Override
    public long flops(int[] inputShape) { return isTraining() ? dev.lanes.engine.Shapes.size(inputShape) : 0; }

    @Override
    public Tensor forward(Tensor x) {
        if (shape == null || !x.hasShape(shape)) shape = x.shape();
        masked = isTraining() && p > 0;
        if (!masked) return x;
        mask = Buffers.resize(mask, shape);
        y = Buffers.resize(y, shape);
        fillMask(step++);
        Kernels.elementwise().mul(x.data(), x.offset(), mask.data(), 0, y.data(), y.offset(), y.size());
        return y;
    }

    private void fillMask(long call) {
        float[] m = mask.data();
        float keep = 1f / (1f - p);
        // keep when the top 24 bits of the hash reach p·2^24: probability 1 − p to within 2^-24
        long threshold = (long) Math.ceil(p * (double) (1 << 24));
        long base = mix(seed ^ mix(call + 0x632BE59BD9B4E019L));
        for (int i = 0, size = mask.size(); i < size; i++) {
            m[i] = (mix(base + i * 0x9E3779B97F4A7C15L) >>> 40) >= threshold ? keep : 0f;
        }
    }

    /** SplitMix64's finaliser: a bijective 64-bit mix, so distinct counters give independent-looking bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, shape);
        if (!needDx) return null;
        if (!masked) return dy;
        dx = Buffers.resize(dx, shape);
        Kernels.elementwise().mul(dy.data(), dy.offset(), mask.data(), 0, dx.data(), dx.offset(), dx.size());
        return dx;
    }

    @Override
    public DropoutSpec spec() { return new DropoutSpec(p); }

    @Override
    public String describe() { return "Dropout(p=" + p + ")"; }
}
