package dev.lanes.nn.surgery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Choosing a rank per layer for {@link LowRank#factorise}, from the singular values alone. A layer whose rank
 * would not save FLOPs is left out of the plan (left as it is).
 */
public final class RankChoice {
    private RankChoice() {}

    /** Per layer the smallest r whose top-r σ² hold at least {@code energy} of Σ σ² (0 &lt; energy ≤ 1). */
    public static Map<String, Integer> byEnergy(List<LowRankLayer> layers, double energy) {
        if (!(energy > 0 && energy <= 1)) throw new IllegalArgumentException("low rank: energy " + energy + " is outside (0, 1]");
        Map<String, Integer> out = new LinkedHashMap<>();
        for (LowRankLayer l : layers) {
            double total = l.energy(), kept = 0;
            int r = 0;
            while (r < l.maxRank() && (r == 0 || kept < energy * total)) {
                kept += l.sigma()[r] * l.sigma()[r];
                r++;
            }
            if (l.saves(r)) out.put(l.path(), r);
        }
        return out;
    }

    /**
     * Ranks bringing the layers' forward FLOPs to at most {@code ratio} of what they are (0 &lt; ratio ≤ 1), chosen
     * greedily: each step takes the cut (a layer's first factorisation at its break-even rank, or one rank less
     * for a factorised layer) that loses the least share of that layer's σ² per FLOP saved. When even rank 1
     * everywhere misses the budget, that is the plan.
     */
    public static Map<String, Integer> byFlops(List<LowRankLayer> layers, double ratio) {
        if (!(ratio > 0 && ratio <= 1)) throw new IllegalArgumentException("low rank: FLOPs ratio " + ratio + " is outside (0, 1]");
        int n = layers.size();
        int[] rank = new int[n]; // 0: left as it is
        long total = 0;
        for (LowRankLayer l : layers) total += l.flops();
        double budget = ratio * total;
        while (total > budget) {
            int best = -1, bestRank = 0;
            double bestScore = Double.POSITIVE_INFINITY;
            long bestSaving = 0;
            for (int i = 0; i < n; i++) {
                LowRankLayer l = layers.get(i);
                int next = rank[i] == 0 ? l.breakEvenRank() : rank[i] - 1;
                if (next < 1) continue;
                long now = rank[i] == 0 ? l.flops() : l.flops(rank[i]);
                long saving = now - l.flops(next);
                double energy = l.energy();
                double lost = energy == 0 ? 0 : (l.tailEnergy(next) - l.tailEnergy(rank[i] == 0 ? l.maxRank() : rank[i])) / energy;
                double score = lost / saving;
                if (score < bestScore) {
                    bestScore = score;
                    best = i;
                    bestRank = next;
                    bestSaving = saving;
                }
            }
            if (best < 0) break;
            rank[best] = bestRank;
            total -= bestSaving;
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) if (rank[i] > 0) out.put(layers.get(i).path(), rank[i]);
        return out;
    }
}
