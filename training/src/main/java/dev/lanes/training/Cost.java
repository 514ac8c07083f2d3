package dev.lanes.training;

import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.Sequential;

/**
 * The cost model of one training step per image: forward FLOPs of every layer that runs, backward-data
 * FLOPs only where dx is needed, backward-weight FLOPs only where parameters train, and nothing for a
 * cached prefix (layers a {@link Step} does not run). It mirrors what backward actually does on a
 * {@link Sequential} that needs no input gradient: nothing before the first top-level layer that trains,
 * and no dx for that layer. Per-layer counts come from {@link Module#trainingFlops}.
 */
public final class Cost {
    private Cost() {}

    /**
     * The work per image of one step on {@code model} over images of shape {@code [C, H, W]}, skipping the
     * first {@code cachedPrefix} top-level layers (only a {@link Sequential} can have a prefix).
     */
    public static Flops perImage(Module model, int[] imageShape, int cachedPrefix) {
        int[] s = {1, imageShape[0], imageShape[1], imageShape[2]};
        if (!(model instanceof Sequential seq)) {
            if (cachedPrefix != 0) throw new IllegalArgumentException("a cached prefix needs a Sequential model but got " + model.describe());
            return model.trainingFlops(s, false);
        }
        if (cachedPrefix < 0 || cachedPrefix > seq.size()) {
            throw new IllegalArgumentException("cached prefix " + cachedPrefix + " outside the model's " + seq.size() + " layers");
        }
        int first = Math.max(cachedPrefix, firstTrainable(seq)); // nothing upstream of the model needs dx
        Flops total = Flops.ZERO;
        for (int i = 0; i < seq.size(); i++) {
            Module m = seq.get(i);
            if (i >= cachedPrefix) {
                total = total.plus(i < first ? new Flops(m.flops(s), 0, 0) : m.trainingFlops(s, i > first));
            }
            s = m.outputShape(s);
        }
        return total;
    }

    /** The first top-level layer with a trainable parameter ({@code size()} when none trains). */
    static int firstTrainable(Sequential seq) {
        for (int i = 0; i < seq.size(); i++) {
            for (Parameter p : seq.get(i).parameters()) {
                if (p.trainable()) return i;
            }
        }
        return seq.size();
    }
}
