package dev.lanes.training.sparsity;

import dev.lanes.engine.Tensor;

/** The second criterion of Mehta et al.: a filter whose BN scale |γ| is below 1e-3 is dead; and the |γ| histogram. */
public final class GammaCriterion {
    public static final double DEAD_GAMMA = 1e-3;
    /** Histogram bin edges for |γ| on a log scale: [0, 1e-6), [1e-6, 1e-5), ..., [1, ∞). */
    public static final double[] EDGES = {0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1};

    private GammaCriterion() {}

    public static boolean dead(Tensor gamma, int channel) {
        return !(Math.abs(gamma.data()[gamma.offset() + channel]) >= DEAD_GAMMA);
    }

    /** Counts of |γ| per bin of {@link #EDGES} (the last bin open-ended). */
    public static int[] histogram(Tensor gamma) {
        int[] bins = new int[EDGES.length];
        for (int c = 0; c < gamma.size(); c++) {
            double g = Math.abs(gamma.data()[gamma.offset() + c]);
            int b = EDGES.length - 1;
            while (b > 0 && !(g >= EDGES[b])) b--;
            bins[b]++;
        }
        return bins;
    }
}
