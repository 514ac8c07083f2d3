package dev.lanes.nn.arch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which (parameter path, axis) pairs of a spec index the same channels, so that removing or permuting channel c
 * of a group means editing index c along every member's axis. A conv or linear output starts a group (weight and
 * bias axis 0); batch norm joins it (weight, bias, running_mean, running_var axis 0); ReLU, dropout, identity,
 * max/avg and adaptive pooling pass it through; the next conv consumes it (weight axis 1), and so does a linear
 * after Flatten or global pooling, whose input column c·block + j belongs to channel c (block = the H·W flattened
 * per channel, 1 after global pooling). At a residual join the main path's output group, the shortcut's output
 * group (the block input's group for an identity shortcut) and the block output are one group. A bypassed block
 * is treated like any other: its main path is kept to be restored, so it must keep fitting.
 */
public final class ChannelFlow {

    /** What a member does with the group's channels. */
    public enum Role {
        /** computes them: conv or linear weight axis 0 and bias */
        PRODUCER,
        /** scales and shifts them per channel: batch norm weight, bias and running statistics */
        NORM,
        /** reads them: conv weight axis 1, or linear weight axis 1 in blocks of {@code block} columns per channel */
        CONSUMER
    }

    /** Index c of the group is indices [c·block, (c+1)·block) along {@code axis} of the tensor at {@code path}. */
    public record Member(String path, int axis, int block, Role role) {
        public Member {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(role, "role");
            if (axis < 0 || block < 1) throw new IllegalArgumentException("member " + path + ": axis must be >= 0 and block >= 1");
        }
    }

    /**
     * One set of channels. {@code networkInput}: the channels of the input tensor; {@code networkOutput}: the
     * channels (or features) of the final output; {@code residual}: the group meets a residual join, so it can
     * only be edited as a whole, shortcut and main paths together.
     */
    public record Group(int index, int channels, List<Member> members, boolean networkInput, boolean networkOutput, boolean residual) {
        public Group {
            members = List.copyOf(members);
        }

        /** Neither the network's input nor its output: removing channels here keeps the interface of the model. */
        public boolean prunable() { return !networkInput && !networkOutput; }
    }

    private final List<Group> groups;
    private final Map<String, Group> byMember;
    private final Group input, output;

    private ChannelFlow(List<Group> groups) {
        this.groups = List.copyOf(groups);
        Map<String, Group> m = new LinkedHashMap<>();
        Group in = null, out = null;
        for (Group g : groups) {
            for (Member x : g.members()) m.put(key(x.path(), x.axis()), g);
            if (g.networkInput()) in = g;
            if (g.networkOutput()) out = g;
        }
        this.byMember = m;
        this.input = in;
        this.output = out;
    }

    /** The channel groups of {@code spec} run on {@code inputShape} ([N, C, H, W] or [N, F]). */
    public static ChannelFlow of(LayerSpec spec, int[] inputShape) {
        ArchShapes.checkInput(inputShape);
        if (inputShape.length < 2) throw new IllegalArgumentException("input shape " + Arrays.toString(inputShape) + " has no channel axis");
        Walk w = new Walk();
        int in = w.newGroup(inputShape[1], "the network input");
        State end = w.walk(spec, "", new State(in, 1, inputShape.clone()));
        return new ChannelFlow(w.finish(in, end.group));
    }

    /** Every group, in the order their channels first appear going forward (the network input first). */
    public List<Group> groups() { return groups; }

    /** The group whose channels index {@code axis} of the tensor at {@code path}, if any. */
    public Optional<Group> groupOf(String path, int axis) { return Optional.ofNullable(byMember.get(key(path, axis))); }

    /** The groups that may be pruned: not the network input and not the final output. */
    public List<Group> prunable() { return groups.stream().filter(Group::prunable).toList(); }

    /** The channels of the input tensor. */
    public Group inputGroup() { return input; }

    /** The channels (features) of the final output. */
    public Group outputGroup() { return output; }

    private static String key(String path, int axis) { return path + "#" + axis; }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Group g : groups) {
            sb.append("group ").append(g.index()).append(" (").append(g.channels()).append(" channels")
                    .append(g.networkInput() ? ", input" : "").append(g.networkOutput() ? ", output" : "")
                    .append(g.residual() ? ", residual" : "").append("):");
            for (Member m : g.members())
                sb.append(' ').append(m.path()).append('@').append(m.axis()).append(m.block() > 1 ? "×" + m.block() : "");
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Where the walk is: which group the channel axis (axis 1) belongs to, block columns per channel, the shape. */
    private record State(int group, int block, int[] shape) {}

    /** The forward walk: raw groups joined with a union-find at residual joins. */
    private static final class Walk {
        private final List<Integer> parent = new ArrayList<>();
        private final List<Integer> channels = new ArrayList<>();
        private final List<String> source = new ArrayList<>();   // who made a raw group, for messages
        private final List<Boolean> residual = new ArrayList<>();
        private final List<Integer> memberGroup = new ArrayList<>(); // raw group of each member, in forward order
        private final List<Member> members = new ArrayList<>();

        int newGroup(int c, String madeBy) {
            parent.add(parent.size());
            channels.add(c);
            source.add(madeBy);
            residual.add(false);
            return parent.size() - 1;
        }

        int find(int g) {
            while (parent.get(g) != g) g = parent.get(g);
            return g;
        }

        void add(int group, String path, int axis, int block, Role role) {
            memberGroup.add(group);
            members.add(new Member(path, axis, block, role));
        }

        String madeBy(int group) { return source.get(find(group)); }

        /** Fails unless the group has {@code c} channels: names the consumer and the producer. */
        void expectChannels(State in, int c, String path, LayerSpec spec, String unit) {
            int have = channels.get(find(in.group)) * in.block;
            if (have != c) {
                String got = in.block > 1 ? channels.get(find(in.group)) + " channels × " + in.block + " = " + have : Integer.toString(have);
                throw new IllegalArgumentException(ArchShapes.where(path) + " (" + ArchShapes.describe(spec) + ") takes " + c + " " + unit
                        + " but " + madeBy(in.group) + " gives " + got + " (input " + Arrays.toString(in.shape) + ")");
            }
        }

        State walk(LayerSpec spec, String path, State in) {
            return switch (spec) {
                case ConvSpec c -> {
                    // a grouped conv ties its input and output channels group by group; the flow (and so
                    // channel pruning) has no member kind for that yet, so it refuses rather than cut wrongly
                    if (c.groups() != 1)
                        throw new IllegalArgumentException("channel flow: " + ArchShapes.where(path) + " (" + ArchShapes.describe(spec)
                                + ") is a grouped convolution; channel pruning and filter pruning do not handle grouped convolutions");
                    if (in.shape.length == 4) expectChannels(in, c.in(), path, spec, "channels");
                    int[] out = ArchShapes.outputShape(spec, in.shape, path);
                    add(in.group, ArchShapes.child(path, "weight"), 1, 1, Role.CONSUMER);
                    int g = newGroup(c.out(), "'" + ArchShapes.where(path) + "'");
                    add(g, ArchShapes.child(path, "weight"), 0, 1, Role.PRODUCER);
                    if (c.bias()) add(g, ArchShapes.child(path, "bias"), 0, 1, Role.PRODUCER);
                    yield new State(g, 1, out);
                }
                case LinearSpec l -> {
                    if (in.shape.length == 2) expectChannels(in, l.in(), path, spec, "features");
                    int[] out = ArchShapes.outputShape(spec, in.shape, path);
                    add(in.group, ArchShapes.child(path, "weight"), 1, in.block, Role.CONSUMER);
                    int g = newGroup(l.out(), "'" + ArchShapes.where(path) + "'");
                    add(g, ArchShapes.child(path, "weight"), 0, 1, Role.PRODUCER);
                    if (l.bias()) add(g, ArchShapes.child(path, "bias"), 0, 1, Role.PRODUCER);
                    yield new State(g, 1, out);
                }
                case BatchNormSpec b -> {
                    if (in.shape.length == 4) expectChannels(in, b.channels(), path, spec, "channels");
                    int[] out = ArchShapes.outputShape(spec, in.shape, path);
                    for (String name : List.of("weight", "bias", "running_mean", "running_var"))
                        add(in.group, ArchShapes.child(path, name), 0, 1, Role.NORM);
                    yield new State(in.group, 1, out);
                }
                case FlattenSpec f -> {
                    int[] out = ArchShapes.outputShape(spec, in.shape, path);
                    // every axis after the channel axis lands inside one channel's block
                    yield new State(in.group, out[1] / in.shape[1] * in.block, out);
                }
                case SequenceSpec q -> {
                    State x = in;
                    for (SequenceSpec.Child c : q.children()) x = walk(c.spec(), ArchShapes.child(path, c.name()), x);
                    yield x;
                }
                case ResidualSpec r -> {
                    State main = walk(r.main(), ArchShapes.child(path, "main"), in);
                    State shortcut = r.shortcut() == null ? in : walk(r.shortcut(), ArchShapes.child(path, "shortcut"), in);
                    int joined = join(path, main, shortcut, r.shortcut() == null); // channels first: the message names both producers
                    ArchShapes.requireSameShape(path, r, in.shape, main.shape, shortcut.shape);
                    yield new State(joined, main.block, main.shape);
                }
                // pass the channels through: relu, dropout, identity, max/avg/adaptive/global pooling
                default -> new State(in.group, in.block, ArchShapes.outputShape(spec, in.shape, path));
            };
        }

        /** Main and shortcut outputs become one group: same channel count and the same layout per channel. */
        private int join(String path, State main, State shortcut, boolean identity) {
            int a = find(main.group), b = find(shortcut.group);
            if (a != b && (!channels.get(a).equals(channels.get(b)) || main.block != shortcut.block))
                throw new IllegalArgumentException(ArchShapes.where(path) + " (residual): the main path's output from " + madeBy(a) + " has "
                        + channels.get(a) + " channels × " + main.block + " but the " + (identity ? "identity shortcut's from " : "shortcut's from ")
                        + madeBy(b) + " has " + channels.get(b) + " channels × " + shortcut.block + "; they cannot be added channel by channel");
            int root = Math.min(a, b), other = Math.max(a, b);
            parent.set(other, root);
            residual.set(root, true);
            return root;
        }

        List<Group> finish(int inputGroup, int outputGroup) {
            int in = find(inputGroup), out = find(outputGroup);
            Map<Integer, List<Member>> byRoot = new LinkedHashMap<>();
            List<Integer> roots = new ArrayList<>();
            for (int g = 0; g < parent.size(); g++) if (find(g) == g) roots.add(g);
            Collections.sort(roots);
            for (int r : roots) byRoot.put(r, new ArrayList<>());
            for (int i = 0; i < members.size(); i++) byRoot.get(find(memberGroup.get(i))).add(members.get(i));
            List<Group> groups = new ArrayList<>();
            for (int r : roots) groups.add(new Group(groups.size(), channels.get(r), byRoot.get(r), r == in, r == out, residual.get(r)));
            return groups;
        }
    }
}
