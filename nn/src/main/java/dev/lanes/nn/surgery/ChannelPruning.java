package dev.lanes.nn.surgery;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.BatchNormSpec;
import dev.lanes.nn.arch.ChannelFlow;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.LinearSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured pruning driven by {@link ChannelFlow}: keeping a subset of a group's channels edits every member
 * of the group at once — the producing conv's output filters and bias, the batch norm's entries, the next
 * conv's input channels, a linear layer's H·W input columns per channel, and, for a group that meets a
 * residual join, the main path, the shortcut and the next block together.
 *
 * <p>The promise: removing channels whose output (after the group's ReLU) is exactly zero on every input leaves
 * the model's outputs unchanged up to rounding, since their every consumer multiplies a zero.
 */
public final class ChannelPruning {
    private ChannelPruning() {}

    /**
     * A new model keeping, for each group index in {@code keepByGroup}, the listed channels of that group (in
     * ascending order). Groups at the network's input or output are refused, naming them.
     */
    public static Module prune(Module model, int[] inputShape, Map<Integer, int[]> keepByGroup) {
        LayerSpec spec = model.spec();
        ChannelFlow flow = ChannelFlow.of(spec, inputShape);
        Map<String, List<Cut>> cuts = new LinkedHashMap<>();
        LayerSpec target = spec;
        for (Map.Entry<Integer, int[]> e : keepByGroup.entrySet()) {
            ChannelFlow.Group g = group(flow, e.getKey());
            int[] keep = checkedKeep(g, e.getValue());
            if (keep.length == g.channels()) continue;
            for (ChannelFlow.Member m : g.members()) {
                cuts.computeIfAbsent(m.path(), k -> new ArrayList<>()).add(new Cut(m.axis(), m.block(), keep));
                target = resize(target, m, keep.length);
            }
        }
        Module out = Surgery.rebuild(model, target, cuts.keySet());
        Map<String, Parameter> srcP = model.namedParameters(), dstP = out.namedParameters();
        Map<String, Tensor> srcB = model.namedBuffers(), dstB = out.namedBuffers();
        for (Map.Entry<String, List<Cut>> e : cuts.entrySet()) {
            String path = e.getKey();
            Tensor from;
            if (srcP.containsKey(path)) {
                Parameter p = srcP.get(path);
                if (p.isPacked()) throw new IllegalArgumentException("prune: '" + path + "' holds packed ternary codes; prune before constraining");
                from = p.value();
                dstP.get(path).setTrainable(p.trainable());
            } else {
                from = srcB.get(path);
            }
            for (Cut c : e.getValue()) from = Surgery.select(from, c.axis, c.block, c.keep);
            Tensor to = dstP.containsKey(path) ? dstP.get(path).value() : dstB.get(path);
            StateCopy.copyTensor(path, from, to);
        }
        return out;
    }

    /** Channel indices 0..n−1 except those listed, for {@link #prune}. */
    public static int[] allExcept(int channels, int... removed) {
        boolean[] drop = new boolean[channels];
        for (int r : removed) {
            if (r < 0 || r >= channels) throw new IllegalArgumentException("channel " + r + " outside 0.." + (channels - 1));
            drop[r] = true;
        }
        int[] keep = new int[channels];
        int n = 0;
        for (int c = 0; c < channels; c++) if (!drop[c]) keep[n++] = c;
        return Arrays.copyOf(keep, n);
    }

    private record Cut(int axis, int block, int[] keep) {}

    private static ChannelFlow.Group group(ChannelFlow flow, int index) {
        for (ChannelFlow.Group g : flow.groups()) if (g.index() == index) {
            if (!g.prunable())
                throw new IllegalArgumentException("prune: channel group " + index + " (" + members(g) + ") is the network's "
                        + (g.networkInput() ? "input" : "output") + " and cannot lose channels");
            return g;
        }
        throw new IllegalArgumentException("prune: no channel group " + index + "; the model has groups 0.." + (flow.groups().size() - 1));
    }

    private static int[] checkedKeep(ChannelFlow.Group g, int[] keep) {
        if (keep.length == 0)
            throw new IllegalArgumentException("prune: keeping no channel of group " + g.index() + " (" + members(g) + ") would cut the network");
        int[] sorted = keep.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0 || sorted[i] >= g.channels())
                throw new IllegalArgumentException("prune: channel " + sorted[i] + " outside group " + g.index() + "'s 0.." + (g.channels() - 1));
            if (i > 0 && sorted[i] == sorted[i - 1]) throw new IllegalArgumentException("prune: channel " + sorted[i] + " listed twice for group " + g.index());
        }
        return sorted;
    }

    private static String members(ChannelFlow.Group g) {
        List<String> names = new ArrayList<>();
        for (ChannelFlow.Member m : g.members()) names.add(m.path() + "[" + m.axis() + "]");
        return String.join(", ", names);
    }

    /** The spec with the layer owning {@code m} resized so that {@code m}'s axis holds {@code channels} channels. */
    private static LayerSpec resize(LayerSpec spec, ChannelFlow.Member m, int channels) {
        int dot = m.path().lastIndexOf('.');
        String layer = dot < 0 ? "" : m.path().substring(0, dot);
        return SpecPaths.with(spec, layer, old -> switch (old) {
            case ConvSpec c -> m.axis() == 0 ? c.withChannels(c.in(), channels) : m.axis() == 1 ? c.withChannels(channels, c.out()) : c;
            case LinearSpec l -> m.axis() == 0 ? l.withFeatures(l.in(), channels) : l.withFeatures(channels * m.block(), l.out());
            case BatchNormSpec b -> b.withChannels(channels);
            default -> throw new IllegalStateException("prune: channel flow member " + m + " on a " + old.getClass().getSimpleName());
        });
    }

}
