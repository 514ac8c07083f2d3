package dev.lanes.nn.arch;

import static dev.lanes.nn.arch.Examples.child;
import static dev.lanes.nn.arch.Examples.seq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchShapesTest {

    private static Map<String, String> printable(Map<String, int[]> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, Arrays.toString(v)));
        return out;
    }

    private static String error(LayerSpec spec, int... shape) {
        return assertThrows(IllegalArgumentException.class, () -> ArchShapes.outputShape(spec, shape)).getMessage();
    }

    @Test
    void lenetShapes() {
        SequenceSpec lenet = Examples.lenet();
        assertArrayEquals(new int[]{3, 10}, ArchShapes.outputShape(lenet, new int[]{3, 1, 28, 28}));
        assertArrayEquals(new int[]{3, 16, 5, 5}, ArchShapes.outputShape(new SequenceSpec(lenet.children().subList(0, 6)), new int[]{3, 1, 28, 28}));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("0.weight", "[6, 1, 5, 5]");
        expected.put("0.bias", "[6]");
        expected.put("3.weight", "[16, 6, 5, 5]");
        expected.put("3.bias", "[16]");
        expected.put("7.weight", "[120, 400]");
        expected.put("7.bias", "[120]");
        expected.put("9.weight", "[84, 120]");
        expected.put("9.bias", "[84]");
        expected.put("11.weight", "[10, 84]");
        expected.put("11.bias", "[10]");
        assertEquals(expected, printable(ArchShapes.parameterShapes(lenet)));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(ArchShapes.parameterShapes(lenet).keySet()), "forward order");
        assertEquals(Map.of(), ArchShapes.bufferShapes(lenet));
    }

    @Test
    void resnetShapesIncludeShortcutsAndBypassedMainPaths() {
        SequenceSpec net = Examples.resnetLike();
        assertArrayEquals(new int[]{2, 5}, ArchShapes.outputShape(net, new int[]{2, 3, 8, 8}));
        // any resolution: the adaptive pool fixes the head's input
        assertArrayEquals(new int[]{1, 5}, ArchShapes.outputShape(net, new int[]{1, 3, 13, 5}));
        Map<String, String> p = printable(ArchShapes.parameterShapes(net));
        assertEquals(List.of("stem.conv.weight", "stem.bn.weight", "stem.bn.bias",
                "layer1.main.conv1.weight", "layer1.main.bn1.weight", "layer1.main.bn1.bias",
                "layer1.main.conv2.weight", "layer1.main.bn2.weight", "layer1.main.bn2.bias",
                "layer2.main.conv1.weight", "layer2.main.bn1.weight", "layer2.main.bn1.bias",
                "layer2.main.conv2.weight", "layer2.main.bn2.weight", "layer2.main.bn2.bias",
                "layer2.shortcut.0.weight", "layer2.shortcut.1.weight", "layer2.shortcut.1.bias",
                "layer3.main.conv1.weight", "layer3.main.bn1.weight", "layer3.main.bn1.bias",
                "layer3.main.conv2.weight", "layer3.main.bn2.weight", "layer3.main.bn2.bias",
                "fc.weight", "fc.bias"), List.copyOf(p.keySet()));
        assertEquals("[16, 8, 3, 3]", p.get("layer2.main.conv1.weight"));
        assertEquals("[16, 8, 1, 1]", p.get("layer2.shortcut.0.weight"));
        assertEquals("[5, 64]", p.get("fc.weight"));
        Map<String, String> b = printable(ArchShapes.bufferShapes(net));
        assertEquals(16, b.size()); // 8 batch norms
        assertEquals("[8]", b.get("stem.bn.running_mean"));
        assertEquals("[16]", b.get("layer2.shortcut.1.running_var"));
    }

    @Test
    void nonSquareGeometryPerAxis() {
        ConvSpec c = new ConvSpec(2, 4, 3, 1, 2, 1, 1, 0, false, WeightFormat.FLOAT);
        assertArrayEquals(new int[]{1, 4, 4, 7}, ArchShapes.outputShape(c, new int[]{1, 2, 7, 7})); // (7+2-3)/2+1, (7-1)/1+1
        assertArrayEquals(new int[]{1, 2, 3, 3}, ArchShapes.outputShape(new AvgPoolSpec(3, 2, 1), new int[]{1, 2, 6, 5}));
        assertArrayEquals(new int[]{1, 2, 3, 2}, ArchShapes.outputShape(new AdaptiveAvgPoolSpec(3, 2), new int[]{1, 2, 2, 9}));
        assertArrayEquals(new int[]{4, 30}, ArchShapes.outputShape(new FlattenSpec(), new int[]{4, 2, 3, 5}));
        assertArrayEquals(new int[]{4, 7}, ArchShapes.outputShape(new ReluSpec(), new int[]{4, 7}));
        assertArrayEquals(new int[]{4, 7}, ArchShapes.outputShape(SequenceSpec.of(), new int[]{4, 7}));
    }

    @Test
    void misfitsNameThePathAndBothShapes() {
        SequenceSpec head = seq(child("conv", ConvSpec.square(1, 2, 3, 1, 0, true)), child("flat", new FlattenSpec()),
                child("fc", new LinearSpec(10, 3, true)));
        assertEquals("fc (linear 10→3): input [1, 18] does not fit, expected [N, 10] (a Flatten goes before it for images)", error(head, 1, 1, 5, 5));
        assertEquals("conv (conv 1→2 3x3 stride 1x1 pad 0x0): input [1, 3, 5, 5] does not fit, expected [N, 1, H, W]", error(head, 1, 3, 5, 5));
        assertEquals("conv (conv 1→2 3x3 stride 1x1 pad 0x0): input [1, 1, 2, 5] does not fit, expected H of at least 3 and W of at least 3",
                error(head, 1, 1, 2, 5));
        assertEquals("(top) (max pool 3x3 stride 1 pad 0): input [1, 1, 2, 2] does not fit, expected H and W of at least 3",
                error(new MaxPoolSpec(3, 1, 0), 1, 1, 2, 2));
        assertEquals("(top) (avg pool 2x2 stride 1 pad 2): input [1, 1, 2, 2] does not fit, expected padding of at most half the window",
                error(new AvgPoolSpec(2, 1, 2), 1, 1, 2, 2));
        assertEquals("(top) (batch norm 4): input [2, 4] does not fit, expected [N, 4, H, W]", error(new BatchNormSpec(4), 2, 4));
        assertEquals("(top) (global avg pool): input [2, 4] does not fit, expected [N, C, H, W]", error(new GlobalAvgPoolSpec(), 2, 4));
        ResidualSpec strided = new ResidualSpec(Examples.basicMain(4, 4, 2), null, true, false);
        assertEquals("b.1 (residual): for input [1, 4, 6, 6] the main path gives [1, 4, 3, 3] but the identity shortcut gives [1, 4, 6, 6];"
                + " they must be equal to be added", error(seq(child("b", SequenceSpec.of(new ReluSpec(), strided))), 1, 4, 6, 6));
        assertEquals("b.1.main.conv1 (conv 4→4 3x3 stride 2x2 pad 1x1): input [1, 3, 6, 6] does not fit, expected [N, 4, H, W]",
                error(seq(child("b", SequenceSpec.of(new ReluSpec(), strided))), 1, 3, 6, 6));
        assertEquals("input shape [1, 0, 3] has a dimension < 1", error(new ReluSpec(), 1, 0, 3));
    }
}
