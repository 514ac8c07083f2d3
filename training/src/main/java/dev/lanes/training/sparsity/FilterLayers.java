package dev.lanes.training.sparsity;

import dev.lanes.nn.Module;
import dev.lanes.nn.arch.ChannelFlow;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.layers.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a model's filters can be watched and removed: its conv → BN → ReLU layers (the rows of the sparsity
 * table), every ReLU whose input channels are a channel group (the taps: the ReLU after a BN or conv in a
 * sequence, and a residual block's post-join ReLU), and the channel groups that may lose channels on the
 * evidence of the taps.
 *
 * <p>A group is removable when it is neither the network's input nor its output, every producer of its
 * channels is a conv, and each such conv's output (after an optional BN) goes straight into a tap — its ReLU
 * in the same sequence, or, as the end of a residual block's main path or shortcut, the block's post-join
 * ReLU. Then every value of the group that reaches a consumer has passed a tap, so a channel that is zero at
 * every tap of its group is read as zero everywhere and removing it changes nothing.
 */
public final class FilterLayers {
    /** One conv → BN → ReLU row: the paths of the three modules and the channel group of its filters. */
    public record Layer(String conv, String bn, String relu, int group, int channels) {}

    /** A ReLU whose output channels are those of {@code group}. */
    public record Tap(String relu, int group, int channels) {}

    /** A group that may lose channels and the taps that tell which are dead; {@code producers} are its convs. */
    public record Removable(int group, int channels, List<String> producers, List<Tap> taps, boolean residual) {}

    private final List<Layer> layers;
    private final List<Tap> taps;
    private final List<Removable> removable;
    private final List<String> refused;

    private FilterLayers(List<Layer> layers, List<Tap> taps, List<Removable> removable, List<String> refused) {
        this.layers = List.copyOf(layers);
        this.taps = List.copyOf(taps);
        this.removable = List.copyOf(removable);
        this.refused = List.copyOf(refused);
    }

    /** The layers, taps and removable groups of {@code model} run on {@code inputShape} ([N, C, H, W]). */
    public static FilterLayers of(Module model, int[] inputShape) {
        ChannelFlow flow = ChannelFlow.of(model.spec(), inputShape);
        Map<String, Module> modules = model.namedModules();
        List<Layer> layers = new ArrayList<>();
        List<Tap> taps = new ArrayList<>();
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            String path = e.getKey();
            if (e.getValue() instanceof Sequential s) {
                List<String> names = s.childNames();
                for (int i = 0; i < s.size(); i++) {
                    if (!(s.get(i) instanceof ReLU) || i == 0) continue;
                    Optional<String> source = lastSource(join(path, names.get(i - 1)), s.get(i - 1));
                    if (source.isEmpty()) continue;
                    ChannelFlow.Group g = flow.groupOf(source.get(), 0).orElseThrow();
                    taps.add(new Tap(join(path, names.get(i)), g.index(), g.channels()));
                    if (i >= 2 && s.get(i - 1) instanceof BatchNorm2d && s.get(i - 2) instanceof Conv2d)
                        layers.add(new Layer(join(path, names.get(i - 2)), join(path, names.get(i - 1)), join(path, names.get(i)), g.index(), g.channels()));
                }
            } else if (e.getValue() instanceof Residual r && r.postRelu()) {
                Optional<String> source = lastSource(join(path, "main"), r.main());
                if (source.isEmpty()) continue;
                ChannelFlow.Group g = flow.groupOf(source.get(), 0).orElseThrow();
                taps.add(new Tap(join(path, "relu"), g.index(), g.channels()));
            }
        }
        List<Removable> removable = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (ChannelFlow.Group g : flow.groups()) {
            List<Tap> mine = taps.stream().filter(t -> t.group() == g.index()).toList();
            if (mine.isEmpty() || !g.prunable()) continue; // nothing watches it, or its channels are the model's interface
            List<String> producers = new ArrayList<>();
            String problem = null;
            for (ChannelFlow.Member m : g.members()) {
                if (m.role() != ChannelFlow.Role.PRODUCER || !m.path().endsWith(".weight") && !m.path().equals("weight")) continue;
                String layer = parent(m.path());
                Module producer = modules.get(layer);
                if (!(producer instanceof Conv2d)) problem = layer + " (a " + producer.describe() + ") produces its channels";
                else if (!feedsTap(layer, modules)) problem = "the output of conv " + layer + " reaches a consumer without passing a ReLU";
                else producers.add(layer);
            }
            if (problem == null) removable.add(new Removable(g.index(), g.channels(), producers, mine, g.residual()));
            else refused.add("group " + g.index() + " (" + g.channels() + " channels): " + problem);
        }
        return new FilterLayers(layers, taps, removable, refused);
    }

    /** The conv → BN → ReLU rows, in forward order. */
    public List<Layer> layers() { return layers; }

    /** Every tap, in forward order. */
    public List<Tap> taps() { return taps; }

    /** The groups that may lose the channels their taps find dead. */
    public List<Removable> removable() { return removable; }

    /** Groups with taps that cannot be pruned on their evidence, with the reason. */
    public List<String> refused() { return refused; }

    /** The member path whose axis 0 indexes the channels a module emits: a BN's or conv's weight. */
    private static Optional<String> channelSource(String path, Module m) {
        if (m instanceof BatchNorm2d || m instanceof Conv2d) return Optional.of(join(path, "weight"));
        return Optional.empty();
    }

    /** The channel source at the end of a module: itself, or a sequence's last child, descending. */
    private static Optional<String> lastSource(String path, Module m) {
        if (m instanceof Sequential s && s.size() > 0) return lastSource(join(path, s.childNames().get(s.size() - 1)), s.get(s.size() - 1));
        return channelSource(path, m);
    }

    /**
     * Whether the conv at {@code conv} (then an optional BN) goes straight into a tap: the next module is a
     * ReLU, or the conv ends its sequence and the next module after that sequence is (a residual block's
     * post-join ReLU when the sequence is the block's main path or shortcut).
     */
    private static boolean feedsTap(String conv, Map<String, Module> modules) {
        String at = conv;
        boolean first = true;
        while (!at.isEmpty()) {
            String up = parent(at), name = up.isEmpty() ? at : at.substring(up.length() + 1);
            Module parent = modules.get(up);
            if (parent instanceof Residual r) return !name.equals("relu") && r.postRelu();
            if (!(parent instanceof Sequential s)) return false;
            int next = s.indexOf(name) + 1;
            if (first && next < s.size() && s.get(next) instanceof BatchNorm2d) next++;
            if (next < s.size()) return s.get(next) instanceof ReLU;
            at = up;
            first = false;
        }
        return false; // the conv ends the network
    }

    static String join(String path, String child) { return path.isEmpty() ? child : path + "." + child; }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }
}
