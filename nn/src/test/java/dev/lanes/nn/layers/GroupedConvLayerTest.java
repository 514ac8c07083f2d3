package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.conv.ConvShape;
import dev.lanes.engine.conv.GroupedConv;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.ChannelFlow;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.SequenceSpec;
import dev.lanes.nn.arch.SpecJson;
import dev.lanes.nn.arch.WeightFormat;
import dev.lanes.nn.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Grouped and depthwise Conv2d: gradients by finite differences, forward against the naive definition, spec and file round trips. */
class GroupedConvLayerTest {
    private final GradCheck check = new GradCheck(1e-2, 1e-2, 1e-3);

    @Property(tries = 40)
    void groupedConvGradients(@ForAll @IntRange(min = 1, max = 3) int groups, @ForAll @IntRange(min = 1, max = 2) int cg,
                              @ForAll @IntRange(min = 1, max = 2) int kg, @ForAll @IntRange(min = 1, max = 3) int k,
                              @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 1) int pad,
                              @ForAll boolean bias, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Conv2d conv = new Conv2d(cg * groups, kg * groups, k, k, stride, stride, pad, pad, bias, groups);
        conv.resetParameters(rng);
        if (bias) conv.bias().value().copyFrom(GradCheck.uniform(rng, 0.5, kg * groups));
        check.checkModule(conv, GradCheck.uniform(rng, 1, 2, cg * groups, 5, 4), rng);
    }

    @Property(tries = 30)
    void forwardEqualsTheNaiveDefinition(@ForAll @IntRange(min = 1, max = 6) int channels, @ForAll boolean depthwise, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int groups = depthwise ? channels : (channels % 2 == 0 ? 2 : 1), out = depthwise ? channels : 2 * groups;
        Conv2d conv = new Conv2d(channels, out, 3, 3, 2, 1, 1, 0, true, groups);
        conv.resetParameters(rng);
        conv.bias().value().copyFrom(GradCheck.uniform(rng, 0.5, out));
        Tensor x = GradCheck.uniform(rng, 1, 2, channels, 7, 6);
        Tensor y = conv.forward(x);
        ConvShape s = new ConvShape(2, channels, 7, 6, out, 3, 3, 2, 1, 1, 0);
        float[] want = new float[s.outputSize()];
        GroupedConv.naiveForward(s, groups, x.data(), conv.weight().value().data(), conv.bias().value().data(), want);
        assertArrayEquals(want, y.copy().data(), 1e-4f);
        assertEquals(2L * 2 * out * s.outHeight() * s.outWidth() * (channels / groups) * 9 + s.outputSize(), conv.flops(x.shape()));
    }

    @Example
    void badGroupsAreRefusedNamingTheChannels() {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> new Conv2d(6, 4, 3, 3, 1, 1, 1, 1, true, 3));
        assertTrue(a.getMessage().contains("groups 3") && a.getMessage().contains("in=6") && a.getMessage().contains("out=4"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> ConvSpec.depthwise(4, 3, 1, 1, false).withChannels(4, 6));
        assertTrue(b.getMessage().contains("groups 4") && b.getMessage().contains("out channels 6"), b.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ConvSpec(4, 4, 3, 3, 1, 1, 1, 1, false, WeightFormat.TERNARY_PER_TENSOR, 2));
    }

    @Example
    void specAndFileRoundTrip() throws Exception {
        SequenceSpec spec = SequenceSpec.of(ConvSpec.depthwise(4, 3, 1, 1, false), new ConvSpec(4, 6, 1, 1, 1, 1, 0, 0, true, WeightFormat.FLOAT, 2));
        String json = SpecJson.toJson(spec);
        assertTrue(json.contains("\"groups\":4") && json.contains("\"groups\":2"), json);
        assertEquals(spec, SpecJson.fromJson(json));
        String old = "{\"version\":1,\"type\":\"conv\",\"in\":2,\"out\":3,\"kernel\":[3,3],\"stride\":[1,1],\"padding\":[1,1],\"bias\":true,\"weight\":\"float\"}";
        assertEquals(1, ((ConvSpec) SpecJson.fromJson(old)).groups());
        Module m = Arch.build(spec, 7);
        assertEquals("[4, 1, 3, 3]", java.util.Arrays.toString(m.namedParameters().get("0.weight").value().shape()));
        Path f = Files.createTempFile("grouped", ".lanes");
        try {
            ModelFile.save(f, m);
            Module back = ModelFile.read(f).build();
            assertEquals(spec, back.spec());
            Tensor x = GradCheck.uniform(new SplittableRandom(1), 1, 2, 4, 5, 5);
            assertArrayEquals(m.forward(x).copy().data(), back.forward(x).copy().data());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Example
    void channelFlowRefusesGroupedConvsSoPruningCannotCutThemWrongly() {
        SequenceSpec spec = SequenceSpec.of(ConvSpec.square(1, 4, 3, 1, 1, true), ConvSpec.depthwise(4, 3, 1, 1, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelFlow.of(spec, new int[]{1, 1, 6, 6}));
        assertTrue(e.getMessage().contains("grouped convolution") && e.getMessage().contains("groups 4"), e.getMessage());
    }
}
