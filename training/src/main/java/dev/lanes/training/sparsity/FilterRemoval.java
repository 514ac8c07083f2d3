package dev.lanes.training.sparsity;

import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.ChannelFlow;
import dev.lanes.nn.surgery.ChannelPruning;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removing dead filters from a model that goes on training (the prune method). Unlike {@link FilterPruning},
 * which folds BatchNorm into the convs and so makes an inference model, nothing is folded: BN keeps its γ, β
 * and running statistics for the channels that stay, so the result trains like the model it came from.
 *
 * <p>A removable group loses the channels the {@link SparsityReport} found dead at all its taps (dead by
 * activation; |γ| alone is not enough, since a filter with γ ≈ 0 still emits ReLU(β), which its consumers read),
 * unless one of its members belongs to a frozen layer (a parameter that does not train: freeze, freeze-prefix):
 * a frozen layer is never changed, so the group at the boundary of a frozen prefix stays whole too. A group dead
 * throughout keeps one channel so the network stays connected. Packed ternary weights are pruned as codes.
 */
public final class FilterRemoval {
    private FilterRemoval() {}

    /**
     * The pruned model ({@code model} itself when nothing is removed), the plan that made it (for the
     * optimizer's state), the channels removed per group, the groups with dead channels left alone because
     * they touch a frozen layer, and conv filter counts before and after.
     */
    public record Result(Module pruned, ChannelPruning.Plan plan, Map<Integer, int[]> removedByGroup, List<Integer> frozenGroups,
                         int filtersBefore, int filtersAfter) {
        public int removed() { return filtersBefore - filtersAfter; }

        public boolean changed() { return !removedByGroup.isEmpty(); }
    }

    /** Prunes {@code model} by {@code report} (made by {@link SparsityAnalysis} on this model); {@code inputShape} is [N, C, H, W]. */
    public static Result prune(Module model, int[] inputShape, SparsityReport report) {
        ChannelFlow flow = ChannelFlow.of(model.spec(), inputShape);
        Set<String> frozenLayers = new HashSet<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (!e.getValue().trainable()) frozenLayers.add(FilterLayers.parent(e.getKey()));
        }
        Map<Integer, int[]> keep = new LinkedHashMap<>(), removed = new LinkedHashMap<>();
        List<Integer> frozen = new ArrayList<>();
        for (SparsityReport.GroupDeath g : report.groups()) {
            if (g.dead().length == 0) continue;
            ChannelFlow.Group fg = flow.groups().stream().filter(x -> x.index() == g.group()).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("prune: the model has no channel group " + g.group() + "; the report was made on another model"));
            int[] dead = g.removable(fg.channels());
            if (touchesFrozen(fg, frozenLayers)) {
                frozen.add(g.group());
                continue;
            }
            if (dead.length == 0) continue;
            keep.put(g.group(), ChannelPruning.allExcept(g.channels(), dead));
            removed.put(g.group(), dead);
        }
        ChannelPruning.Plan plan = ChannelPruning.plan(model, inputShape, keep);
        Module pruned = plan.isEmpty() ? model : plan.apply(model);
        return new Result(pruned, plan, removed, frozen, FilterPruning.filters(model), FilterPruning.filters(pruned));
    }

    private static boolean touchesFrozen(ChannelFlow.Group g, Set<String> frozenLayers) {
        for (ChannelFlow.Member m : g.members()) if (frozenLayers.contains(FilterLayers.parent(m.path()))) return true;
        return false;
    }
}
