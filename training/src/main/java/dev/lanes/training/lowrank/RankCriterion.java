package dev.lanes.training.lowrank;

import dev.lanes.nn.surgery.LowRankLayer;
import dev.lanes.nn.surgery.RankChoice;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How ranks are chosen for low-rank factorisation: by an energy threshold ({@link RankChoice#byEnergy}) or a
 * FLOPs budget over the conv and linear layers ({@link RankChoice#byFlops}). Shared by the {@code lowrank}
 * training method, {@code lanes compress lowrank} and the experiment, so all three mean the same by a number.
 */
public record RankCriterion(boolean byEnergy, double value) {
    public RankCriterion {
        if (!(value > 0 && value <= 1))
            throw new IllegalArgumentException("low rank: " + (byEnergy ? "energy " : "FLOPs ratio ") + value + " is outside (0, 1]");
    }

    public static RankCriterion energy(double share) { return new RankCriterion(true, share); }

    public static RankCriterion flops(double ratio) { return new RankCriterion(false, ratio); }

    /** Per layer path the chosen rank; layers whose rank would save no FLOPs are absent. */
    public Map<String, Integer> ranks(List<LowRankLayer> layers) {
        return byEnergy ? RankChoice.byEnergy(layers, value) : RankChoice.byFlops(layers, value);
    }

    @Override
    public String toString() { return String.format(Locale.ROOT, byEnergy ? "energy %s" : "FLOPs ratio %s", value); }
}
