package dev.lanes.nn.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.arch.ChannelFlow.Group;
import dev.lanes.nn.arch.ChannelFlow.Member;
import dev.lanes.nn.arch.ChannelFlow.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ChannelFlowProperties {

    @Provide
    Arbitrary<RandomSpecs.Net> nets() { return RandomSpecs.nets(); }

    @Property(tries = 300)
    void generatedNetsFitTheirInputAndEndInTheirClasses(@ForAll("nets") RandomSpecs.Net net) {
        int[] in = net.inputShape();
        assertArrayEquals(new int[]{in[0], net.classes()}, ArchShapes.outputShape(net.spec(), in));
    }

    /** Every channel axis of every parameter and buffer is in exactly one group, and its length is channels × block. */
    @Property(tries = 300)
    void everyChannelAxisIsInExactlyOneGroupOfTheRightSize(@ForAll("nets") RandomSpecs.Net net) {
        ChannelFlow flow = ChannelFlow.of(net.spec(), net.inputShape());
        Map<String, int[]> shapes = new LinkedHashMap<>(ArchShapes.parameterShapes(net.spec()));
        shapes.putAll(ArchShapes.bufferShapes(net.spec()));

        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Group g : flow.groups())
            for (Member m : g.members()) {
                String key = m.path() + "@" + m.axis();
                seen.merge(key, 1, Integer::sum);
                int[] shape = shapes.get(m.path());
                assertNotNull(shape, "member " + key + " is no parameter or buffer");
                assertEquals(shape[m.axis()], g.channels() * m.block(), key + " of " + Arrays.toString(shape) + " in group " + g);
                if (m.block() > 1) assertEquals(Role.CONSUMER, m.role(), key);
            }
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            // weights: out and in axes (conv [out, in, kh, kw], linear [out, in]); biases and batch norm: axis 0
            int channelAxes = e.getValue().length == 1 ? 1 : 2;
            for (int axis = 0; axis < channelAxes; axis++)
                assertEquals(1, seen.getOrDefault(e.getKey() + "@" + axis, 0), e.getKey() + "@" + axis + " in exactly one group");
            assertFalse(seen.containsKey(e.getKey() + "@" + channelAxes), "no kernel axis is a channel axis");
        }
        assertEquals(seen.size(), shapes.values().stream().mapToInt(s -> s.length == 1 ? 1 : 2).sum());

        assertEquals(net.inputShape()[1], flow.inputGroup().channels());
        assertEquals(net.classes(), flow.outputGroup().channels());
        assertEquals(List.of(), flow.prunable().stream().filter(g -> g.networkInput() || g.networkOutput()).toList());
        for (int i = 0; i < flow.groups().size(); i++) assertEquals(i, flow.groups().get(i).index());
    }

    /** At each residual block the main path's last producer, the shortcut's producer and the output share one residual group. */
    @Property(tries = 300)
    void residualJoinsShareOneGroup(@ForAll("nets") RandomSpecs.Net net) {
        ChannelFlow flow = ChannelFlow.of(net.spec(), net.inputShape());
        List<String[]> blocks = new ArrayList<>();
        residuals(net.spec(), "", blocks);
        for (String[] b : blocks) {
            Group main = flow.groupOf(b[0], 0).orElseThrow();
            assertTrue(main.residual(), b[0]);
            if (b[1] != null) assertEquals(main, flow.groupOf(b[1], 0).orElseThrow(), b[0] + " and " + b[1]);
        }
        // a group with no residual join has exactly one producer weight: the conv or linear that made it
        for (Group g : flow.groups()) {
            Set<String> producers = new HashSet<>();
            for (Member m : g.members()) if (m.role() == Role.PRODUCER && m.path().endsWith("weight")) producers.add(m.path());
            if (!g.residual()) assertEquals(g.networkInput() ? 0 : 1, producers.size(), g.toString());
        }
    }

    /** [last producer weight of main, producer weight of the shortcut or null] of each residual block whose main path has a conv. */
    private static void residuals(LayerSpec spec, String path, List<String[]> out) {
        switch (spec) {
            case SequenceSpec s -> {
                for (SequenceSpec.Child c : s.children()) residuals(c.spec(), ArchShapes.child(path, c.name()), out);
            }
            case ResidualSpec r -> {
                String main = lastProducer(r.main(), ArchShapes.child(path, "main"));
                String shortcut = r.shortcut() == null ? null : lastProducer(r.shortcut(), ArchShapes.child(path, "shortcut"));
                if (main != null) out.add(new String[]{main, shortcut});
                residuals(r.main(), ArchShapes.child(path, "main"), out);
            }
            default -> {}
        }
    }

    private static String lastProducer(LayerSpec spec, String path) {
        return switch (spec) {
            case ConvSpec c -> ArchShapes.child(path, "weight");
            case LinearSpec l -> ArchShapes.child(path, "weight");
            case SequenceSpec s -> {
                String last = null;
                for (SequenceSpec.Child c : s.children()) {
                    String p = lastProducer(c.spec(), ArchShapes.child(path, c.name()));
                    if (p != null) last = p;
                }
                yield last;
            }
            default -> null;
        };
    }
}
