package dev.lanes.training.sparsity;

import dev.lanes.nn.Module;
import dev.lanes.nn.arch.ChannelFlow;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.surgery.ChannelPruning;
import dev.lanes.nn.surgery.Surgery;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Harvesting the dead filters: every BN that follows a conv is folded into it ({@link Surgery#foldBatchNorms}),
 * then each removable group loses the channels a {@link SparsityReport} found dead at all its taps
 * ({@link ChannelPruning}: the producing convs' filters and biases, the next convs' input channels, a linear
 * layer's columns, residual groups as a whole). A group dead throughout keeps one channel (its output is zero
 * either way) so the network stays connected. The result is an inference model: eval mode, BN gone.
 */
public final class FilterPruning {
    private FilterPruning() {}

    /** The pruned model, what was removed per group, and conv filter counts before and after. */
    public record Result(Module folded, Module pruned, Map<Integer, int[]> removedByGroup, int filtersBefore, int filtersAfter) {
        public int removed() { return filtersBefore - filtersAfter; }
    }

    /**
     * Folds and prunes {@code model} by {@code report} (made by {@link SparsityAnalysis} on this model);
     * {@code inputShape} is [N, C, H, W]. The model is not changed.
     */
    public static Result prune(Module model, int[] inputShape, SparsityReport report) {
        Module folded = Surgery.foldBatchNorms(model);
        folded.eval();
        ChannelFlow flow = ChannelFlow.of(folded.spec(), inputShape);
        Map<Integer, int[]> keep = new LinkedHashMap<>(), removed = new LinkedHashMap<>();
        for (SparsityReport.GroupDeath g : report.groups()) {
            if (g.dead().length == 0) continue;
            // find the group in the folded model by a producer's weight: folding renames nothing, but indices are the flow's business
            ChannelFlow.Group fg = flow.groupOf(g.producers().get(0) + ".weight", 0)
                    .orElseThrow(() -> new IllegalStateException("prune: the folded model has no group for " + g.producers().get(0)));
            int[] dead = g.removable(fg.channels());
            if (dead.length == 0) continue;
            keep.put(fg.index(), ChannelPruning.allExcept(g.channels(), dead));
            removed.put(fg.index(), dead);
        }
        Module pruned = ChannelPruning.prune(folded, inputShape, keep);
        pruned.eval();
        return new Result(folded, pruned, removed, filters(model), filters(pruned));
    }

    /** Output channels of every conv in the model. */
    public static int filters(Module model) {
        int n = 0;
        for (Module m : model.namedModules().values()) if (m instanceof Conv2d c) n += c.outChannels();
        return n;
    }
}
