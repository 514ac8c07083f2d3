package dev.lanes.nn.init;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import java.util.SplittableRandom;

/**
 * Weight initialisation from a seeded {@link SplittableRandom}.
 *
 * <p>Layer defaults (see each layer's {@code resetParameters}): convolution and linear weights are
 * Kaiming-normal with fan-in and the ReLU gain √2 (std = √(2 / fanIn), as torchvision's ResNets do), biases
 * are zero; BatchNorm has gamma = 1, beta = 0, running mean 0 and running variance 1. PyTorch's own default
 * for Linear (uniform ±1/√fanIn) is not used: with ReLU networks Kaiming keeps activations at unit scale.
 */
public final class Init {
    private Init() {}

    /**
     * Re-initialises every {@link Initializable} module under {@code model}, walking it depth-first in forward
     * order. Each module gets the next split of one generator seeded with {@code seed}, so its weights depend
     * only on the seed and its position in the walk.
     */
    public static <M extends Module> M initialize(M model, long seed) {
        walk(model, new SplittableRandom(seed));
        return model;
    }

    private static void walk(Module m, SplittableRandom rng) {
        SplittableRandom own = rng.split();
        if (m instanceof Initializable init) init.resetParameters(own);
        for (Module child : m.children()) walk(child, rng);
    }

    /** Kaiming (He) normal, fan-in mode, ReLU gain √2: N(0, 2 / fanIn). */
    public static void kaimingNormal(Tensor w, int fanIn, SplittableRandom rng) {
        if (fanIn <= 0) throw new IllegalArgumentException("kaimingNormal: fanIn must be positive but is " + fanIn);
        normal(w, Math.sqrt(2.0 / fanIn), rng);
    }

    /** Xavier (Glorot) uniform: U(-b, b) with b = √(6 / (fanIn + fanOut)). */
    public static void xavierUniform(Tensor w, int fanIn, int fanOut, SplittableRandom rng) {
        if (fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("xavierUniform: fanIn and fanOut must be positive but are " + fanIn + ", " + fanOut);
        }
        uniform(w, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
    }

    /** U(-bound, bound). */
    public static void uniform(Tensor w, double bound, SplittableRandom rng) {
        float[] d = w.data();
        for (int i = w.offset(), end = w.offset() + w.size(); i < end; i++) {
            d[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
    }

    /** N(0, std²), drawn with the Box-Muller transform so the sequence is fixed by the generator alone. */
    public static void normal(Tensor w, double std, SplittableRandom rng) {
        float[] d = w.data();
        int i = w.offset(), end = w.offset() + w.size();
        while (i < end) {
            double u1 = 1.0 - rng.nextDouble(); // in (0, 1], so the log is finite
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1)) * std;
            d[i++] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i < end) d[i++] = (float) (r * Math.sin(2 * Math.PI * u2));
        }
    }
}
