package dev.lanes.nn.arch;

import static dev.lanes.nn.arch.Examples.child;
import static dev.lanes.nn.arch.Examples.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.arch.ChannelFlow.Group;
import dev.lanes.nn.arch.ChannelFlow.Member;
import dev.lanes.nn.arch.ChannelFlow.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChannelFlowTest {

    private static String bn(String path) {
        return path + ".weight@0 " + path + ".bias@0 " + path + ".running_mean@0 " + path + ".running_var@0";
    }

    private static String error(LayerSpec spec, int... shape) {
        return assertThrows(IllegalArgumentException.class, () -> ChannelFlow.of(spec, shape)).getMessage();
    }

    @Test
    void lenetGroupsRunFromEachConvToTheNextAndThroughFlattenInBlocksOf25() {
        ChannelFlow flow = ChannelFlow.of(Examples.lenet(), new int[]{1, 1, 28, 28});
        assertEquals("""
                group 0 (1 channels, input): 0.weight@1
                group 1 (6 channels): 0.weight@0 0.bias@0 3.weight@1
                group 2 (16 channels): 3.weight@0 3.bias@0 7.weight@1×25
                group 3 (120 channels): 7.weight@0 7.bias@0 9.weight@1
                group 4 (84 channels): 9.weight@0 9.bias@0 11.weight@1
                group 5 (10 channels, output): 11.weight@0 11.bias@0
                """, flow.toString());
        Group g2 = flow.groups().get(2);
        assertEquals(List.of(new Member("3.weight", 0, 1, Role.PRODUCER), new Member("3.bias", 0, 1, Role.PRODUCER),
                new Member("7.weight", 1, 25, Role.CONSUMER)), g2.members());
        assertEquals(Optional.of(g2), flow.groupOf("7.weight", 1));
        assertEquals(Optional.empty(), flow.groupOf("7.bias", 1));
        assertEquals(Optional.empty(), flow.groupOf("1.weight", 0));
        assertEquals(List.of(1, 2, 3, 4), flow.prunable().stream().map(Group::index).toList());
        assertEquals(0, flow.inputGroup().index());
        assertEquals(5, flow.outputGroup().index());
        assertTrue(flow.groups().stream().noneMatch(Group::residual));
    }

    @Test
    void resnetJoinsMainPathsShortcutsAndTheBlockInputs() {
        ChannelFlow flow = ChannelFlow.of(Examples.resnetLike(), new int[]{2, 3, 8, 8});
        assertEquals("group 0 (3 channels, input): stem.conv.weight@1\n"
                + "group 1 (8 channels, residual): stem.conv.weight@0 " + bn("stem.bn") + " layer1.main.conv1.weight@1 layer1.main.conv2.weight@0 "
                + bn("layer1.main.bn2") + " layer2.main.conv1.weight@1 layer2.shortcut.0.weight@1\n"
                + "group 2 (8 channels): layer1.main.conv1.weight@0 " + bn("layer1.main.bn1") + " layer1.main.conv2.weight@1\n"
                + "group 3 (16 channels): layer2.main.conv1.weight@0 " + bn("layer2.main.bn1") + " layer2.main.conv2.weight@1\n"
                + "group 4 (16 channels, residual): layer2.main.conv2.weight@0 " + bn("layer2.main.bn2") + " layer2.shortcut.0.weight@0 "
                + bn("layer2.shortcut.1") + " layer3.main.conv1.weight@1 layer3.main.conv2.weight@0 " + bn("layer3.main.bn2") + " fc.weight@1×4\n"
                + "group 5 (16 channels): layer3.main.conv1.weight@0 " + bn("layer3.main.bn1") + " layer3.main.conv2.weight@1\n"
                + "group 6 (5 channels, output): fc.weight@0 fc.bias@0\n", flow.toString());
        assertEquals(Role.NORM, flow.groups().get(4).members().get(1).role());
        assertEquals(List.of(1, 2, 3, 4, 5), flow.prunable().stream().map(Group::index).toList());
        assertTrue(flow.groups().get(4).prunable(), "a residual group is prunable as a whole");
    }

    @Test
    void globalPoolingGivesBlocksOfOneAndFeatureInputsWork() {
        LayerSpec spec = SequenceSpec.of(ConvSpec.square(2, 3, 1, 1, 0, false), new GlobalAvgPoolSpec(), new FlattenSpec(), new LinearSpec(3, 2, false));
        assertEquals("""
                group 0 (2 channels, input): 0.weight@1
                group 1 (3 channels): 0.weight@0 3.weight@1
                group 2 (2 channels, output): 3.weight@0
                """, ChannelFlow.of(spec, new int[]{1, 2, 5, 5}).toString());
        ChannelFlow tabular = ChannelFlow.of(SequenceSpec.of(new LinearSpec(4, 3, true), new ReluSpec(), new DropoutSpec(0.5f), new LinearSpec(3, 2, true)),
                new int[]{8, 4});
        assertEquals("""
                group 0 (4 channels, input): 0.weight@1
                group 1 (3 channels): 0.weight@0 0.bias@0 3.weight@1
                group 2 (2 channels, output): 3.weight@0 3.bias@0
                """, tabular.toString());
        // nothing but pass-through layers: the input is the output, and nothing is prunable
        ChannelFlow none = ChannelFlow.of(new ReluSpec(), new int[]{1, 3, 2, 2});
        assertEquals("group 0 (3 channels, input, output):\n", none.toString());
        assertEquals(List.of(), none.prunable());
    }

    @Test
    void anIdentityResidualAtTheStartJoinsTheNetworkInput() {
        LayerSpec spec = SequenceSpec.of(new ResidualSpec(Examples.basicMain(3, 3, 1), null, false, false), new GlobalAvgPoolSpec(),
                new LinearSpec(3, 2, true));
        ChannelFlow flow = ChannelFlow.of(spec, new int[]{1, 3, 4, 4});
        Group in = flow.inputGroup();
        assertTrue(in.residual() && in.networkInput() && !in.networkOutput() && !in.prunable());
        assertEquals(Optional.of(in), flow.groupOf("0.main.conv2.weight", 0));
        assertEquals(Optional.of(in), flow.groupOf("2.weight", 1));
    }

    @Test
    void channelMismatchesNameBothPaths() {
        assertEquals("1 (conv 4→8 3x3 stride 1x1 pad 0x0) takes 4 channels but '0' gives 6 (input [1, 6, 5, 5])",
                error(SequenceSpec.of(ConvSpec.square(1, 6, 3, 1, 0, true), ConvSpec.square(4, 8, 3, 1, 0, true)), 1, 1, 7, 7));
        assertEquals("(top) (conv 3→2 1x1 stride 1x1 pad 0x0) takes 3 channels but the network input gives 1 (input [1, 1, 5, 5])",
                error(ConvSpec.square(3, 2, 1, 1, 0, true), 1, 1, 5, 5));
        assertEquals("head.fc (linear 10→3) takes 10 features but 'conv' gives 2 channels × 9 = 18 (input [1, 18])",
                error(seq(child("conv", ConvSpec.square(1, 2, 3, 1, 0, true)),
                        child("head", seq(child("flat", new FlattenSpec()), child("fc", new LinearSpec(10, 3, true))))), 1, 1, 5, 5));
        assertEquals("b.bn (batch norm 5) takes 5 channels but 'stem' gives 4 (input [1, 4, 4, 4])",
                error(seq(child("stem", ConvSpec.square(1, 4, 1, 1, 0, true)), child("b", seq(child("bn", new BatchNormSpec(5))))), 1, 1, 4, 4));
        assertEquals("1 (residual): the main path's output from '1.main' has 8 channels × 1 but the identity shortcut's from '0' has 4 channels × 1;"
                        + " they cannot be added channel by channel",
                error(SequenceSpec.of(ConvSpec.square(1, 4, 1, 1, 0, true), new ResidualSpec(ConvSpec.square(4, 8, 1, 1, 0, true), null, true, false)),
                        1, 1, 4, 4));
        assertEquals("1 (residual): the main path's output from '1.main' has 16 channels × 1 but the identity shortcut's from the network input"
                        + " has 4 channels × 4; they cannot be added channel by channel",
                error(SequenceSpec.of(new FlattenSpec(), new ResidualSpec(new LinearSpec(16, 16, true), null, false, false)), 2, 4, 2, 2));
        // same channels, different resolution: the shape rule speaks
        assertTrue(error(new ResidualSpec(Examples.basicMain(2, 2, 2), null, false, false), 1, 2, 4, 4)
                .startsWith("(top) (residual): for input [1, 2, 4, 4] the main path gives [1, 2, 2, 2] but the identity shortcut gives"));
        assertFalse(error(new ReluSpec(), 3).isEmpty());
    }
}
