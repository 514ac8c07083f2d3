package dev.lanes.training.lowrank;

import dev.lanes.nn.Module;
import dev.lanes.nn.surgery.LowRank;
import dev.lanes.nn.surgery.LowRankLayer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The factorisable layers of a model (with their singular values) and the ranks a {@link RankCriterion} chose,
 * with the forward FLOPs per image of those layers before and after; {@link #apply} performs the surgery.
 */
public record RankPlan(List<LowRankLayer> layers, Map<String, Integer> ranks) {
    public RankPlan {
        layers = List.copyOf(layers);
        ranks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ranks));
    }

    /** The plan for {@code model} on images of shape {@code [C, H, W]}. */
    public static RankPlan of(Module model, int[] imageShape, RankCriterion criterion) {
        List<LowRankLayer> layers = LowRank.layers(model, batchOfOne(imageShape));
        return new RankPlan(layers, criterion.ranks(layers));
    }

    /** Forward FLOPs per image of the conv layers of {@code model} as it is (a factorised conv counts both of its convs). */
    public static long convFlops(Module model, int[] imageShape) {
        long f = 0;
        for (LowRankLayer l : LowRank.layers(model, batchOfOne(imageShape))) if (l.isConv()) f += l.flops();
        return f;
    }

    private static int[] batchOfOne(int[] imageShape) {
        if (imageShape.length != 3) throw new IllegalArgumentException("low rank: image shape must be [C, H, W] but is " + java.util.Arrays.toString(imageShape));
        return new int[] {1, imageShape[0], imageShape[1], imageShape[2]};
    }

    /** The factorised model (a new one; {@code model} is unchanged), or {@code model} itself when no layer is factorised. */
    public Module apply(Module model) { return ranks.isEmpty() ? model : LowRank.factorise(model, ranks); }

    /** The rank layer {@code l} gets: its chosen rank, or its full rank when it is left as it is. */
    public int rankOf(LowRankLayer l) {
        Integer r = ranks.get(l.path());
        return r == null ? l.maxRank() : r;
    }

    /** The layer's forward FLOPs per image after the surgery. */
    public long flopsAfter(LowRankLayer l) {
        Integer r = ranks.get(l.path());
        return r == null ? l.flops() : l.flops(r);
    }

    /** The share of the layer's Σσ² its rank keeps (1 for a layer left as it is). */
    public double energyKept(LowRankLayer l) {
        return l.energy() == 0 ? 1 : 1 - l.tailEnergy(rankOf(l)) / l.energy();
    }

    public long flopsBefore() { return sum(false, false); }

    public long flopsAfter() { return sum(false, true); }

    public long convFlopsBefore() { return sum(true, false); }

    public long convFlopsAfter() { return sum(true, true); }

    private long sum(boolean convOnly, boolean after) {
        long s = 0;
        for (LowRankLayer l : layers) if (!convOnly || l.isConv()) s += after ? flopsAfter(l) : l.flops();
        return s;
    }
}
