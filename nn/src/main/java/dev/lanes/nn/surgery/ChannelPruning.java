package dev.lanes.nn.surgery;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.BatchNormSpec;
import dev.lanes.nn.arch.ChannelFlow;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.LinearSpec;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structured pruning driven by {@link ChannelFlow}: keeping a subset of a group's channels edits every member
 * of the group at once — the producing conv's output filters and bias, the batch norm's entries, the next
 * conv's input channels, a linear layer's H·W input columns per channel, and, for a group that meets a
 * residual join, the main path, the shortcut and the next block together.
 *
 * <p>Packed ternary weights are pruned as they are (codes and scales of the surviving channels).
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
        return plan(model, inputShape, keepByGroup).apply(model);
    }

    /**
     * What {@link #prune} would cut, without cutting: the target architecture and, per parameter or buffer path,
     * the selections that shrink it. The same selections shrink any tensor shaped like that parameter (an
     * optimizer's moments), so a trainer can carry the state of the surviving weights over.
     */
    public static Plan plan(Module model, int[] inputShape, Map<Integer, int[]> keepByGroup) {
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
        return new Plan(spec, target, cuts);
    }

    /** The cuts of one pruning: {@link #apply} builds the smaller model, {@link #slice} shrinks a same-shaped tensor. */
    public static final class Plan {
        private final LayerSpec source, target;
        private final Map<String, List<Cut>> cuts;

        private Plan(LayerSpec source, LayerSpec target, Map<String, List<Cut>> cuts) {
            this.source = source;
            this.target = target;
            this.cuts = cuts;
        }

        /** The architecture after pruning. */
        public LayerSpec target() { return target; }

        /** Parameter and buffer paths that lose channels; every other one is copied whole. */
        public Set<String> paths() { return Collections.unmodifiableSet(cuts.keySet()); }

        /** Whether nothing is cut. */
        public boolean isEmpty() { return cuts.isEmpty(); }

        /** {@code t}, shaped like the tensor at {@code path} before pruning, with the channels that path loses removed. */
        public Tensor slice(String path, Tensor t) {
            List<Cut> c = cuts.get(path);
            if (c == null) throw new IllegalArgumentException("prune: no cut for '" + path + "'; cut paths: " + cuts.keySet());
            for (Cut cut : c) t = Surgery.select(t, cut.axis, cut.block, cut.keep);
            return t;
        }

        /**
         * The pruned model: values, buffers and trainable flags copied, cut ones sliced. A packed ternary weight
         * stays packed: its codes are sliced like values, and its per-channel scales keep the surviving filters'
         * (every kept weight decodes to the value it had).
         */
        public Module apply(Module model) {
            if (!model.spec().equals(source)) throw new IllegalArgumentException("prune: the plan was made for another architecture than " + model.describe());
            Module out = Surgery.rebuild(model, target, cuts.keySet());
            Map<String, Parameter> srcP = model.namedParameters(), dstP = out.namedParameters();
            Map<String, Tensor> srcB = model.namedBuffers(), dstB = out.namedBuffers();
            for (String path : cuts.keySet()) {
                if (srcP.containsKey(path)) {
                    Parameter p = srcP.get(path), q = dstP.get(path);
                    q.setTrainable(p.trainable());
                    if (p.isPacked()) {
                        q.setStorage(sliceTernary(path, p.ternary()));
                        continue;
                    }
                    StateCopy.copyTensor(path, slice(path, p.value()), q.value());
                } else {
                    StateCopy.copyTensor(path, slice(path, srcB.get(path)), dstB.get(path));
                }
            }
            return out;
        }

        /** Codes sliced as the values would be; per-channel scales sliced by the cuts along axis 0 (the filters). */
        private TernaryStorage sliceTernary(String path, TernaryStorage s) {
            int n = s.codeCount();
            byte[] codes = new byte[n];
            s.codes(0, codes, 0, n);
            Tensor asFloats = Tensor.zeros(s.shape());
            for (int i = 0; i < n; i++) asFloats.data()[i] = codes[i];
            Tensor cut = slice(path, asFloats);
            byte[] kept = new byte[cut.size()];
            for (int i = 0; i < kept.length; i++) kept[i] = (byte) cut.data()[cut.offset() + i];
            float[] scales = s.scales();
            if (s.granularity() == Granularity.PER_CHANNEL) {
                Tensor sc = Tensor.of(scales, scales.length);
                for (Cut c : cuts.get(path)) if (c.axis == 0) sc = Surgery.select(sc, 0, c.block, c.keep);
                scales = sc.toArray();
            }
            return TernaryStorage.ofCodes(cut.shape(), s.granularity(), scales, kept);
        }
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
