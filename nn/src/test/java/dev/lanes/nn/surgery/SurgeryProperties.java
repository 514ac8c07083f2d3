package dev.lanes.nn.surgery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.resize.ImageResize;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.BatchNormSpec;
import dev.lanes.nn.arch.ChannelFlow;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.LinearSpec;
import dev.lanes.nn.arch.RandomSpecs;
import dev.lanes.nn.arch.ReluSpec;
import dev.lanes.nn.arch.ResidualSpec;
import dev.lanes.nn.arch.SequenceSpec;
import dev.lanes.nn.arch.WeightFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SurgeryProperties {
    @Provide
    Arbitrary<RandomSpecs.Net> nets() { return RandomSpecs.nets().map(SurgeryProperties::floatWeights); }

    @Property(tries = 60)
    void foldingBatchNormKeepsEvalOutputs(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module model = Arch.build(net.spec(), seed);
        randomizeNormState(model, seed);
        model.eval();
        Tensor x = input(net.inputShape(), seed);
        float[] before = model.forward(x).toArray();
        Module folded = Surgery.foldBatchNorms(model);
        float[] after = folded.forward(x).toArray();
        assertClose(before, after, 1e-5);
        for (Map.Entry<String, LayerSpec> e : SpecPaths.all(folded.spec()).entrySet())
            if (e.getValue() instanceof SequenceSpec s)
                for (int i = 0; i + 1 < s.children().size(); i++)
                    assertTrue(!(s.children().get(i).spec() instanceof ConvSpec && s.children().get(i + 1).spec() instanceof BatchNormSpec),
                            "a conv → BN pair is left at " + e.getKey());
    }

    @Property(tries = 60)
    void resamplingToTheSameSizeIsTheIdentity(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed, @ForAll ImageResize.Method method) {
        Module model = Arch.build(net.spec(), seed).eval();
        Module same = Surgery.resampleKernels(model, model.spec(), method);
        Tensor x = input(net.inputShape(), seed);
        assertArrayEquals(model.forward(x).toArray(), same.forward(x).toArray());
        assertEquals(model.spec(), same.spec());
    }

    @Property(tries = 60)
    void surgeryIsPure(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module model = Arch.build(net.spec(), seed).eval();
        Tensor x = input(net.inputShape(), seed);
        float[] before = model.forward(x).toArray();
        Module copy = Surgery.copy(model);
        assertArrayEquals(before, copy.forward(x).toArray());
        for (Map.Entry<String, Parameter> e : copy.namedParameters().entrySet()) {
            Parameter original = model.namedParameters().get(e.getKey());
            assertNotSame(original.value().data(), e.getValue().value().data(), e.getKey() + " is shared");
            e.getValue().value().fill(0.5f);
        }
        assertArrayEquals(before, model.forward(x).toArray(), "editing the copy changed the original");
    }

    /** Channels whose BN + ReLU output is zero everywhere can go without changing the outputs. */
    @Property(tries = 80)
    void pruningDeadChannelsKeepsOutputs(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module model = Arch.build(net.spec(), seed);
        randomizeNormState(model, seed);
        model.eval();
        ChannelFlow flow = ChannelFlow.of(model.spec(), net.inputShape());
        List<ChannelFlow.Group> candidates = new ArrayList<>();
        for (ChannelFlow.Group g : flow.prunable()) if (g.channels() >= 2 && everyProducerIsNormalisedThenRectified(model.spec(), g)) candidates.add(g);
        Assume.that(!candidates.isEmpty());
        SplittableRandom r = new SplittableRandom(seed);
        ChannelFlow.Group g = candidates.get(r.nextInt(candidates.size()));
        int dead = 1 + r.nextInt(g.channels() - 1);
        int[] removed = new int[dead];
        for (int i = 0; i < dead; i++) removed[i] = i * g.channels() / dead;
        plantDead(model, g, removed);
        Tensor x = input(net.inputShape(), seed);
        float[] before = model.forward(x).toArray();
        Module pruned = ChannelPruning.prune(model, net.inputShape(), Map.of(g.index(), ChannelPruning.allExcept(g.channels(), removed)));
        assertClose(before, pruned.forward(x).toArray(), 1e-5);
        assertTrue(pruned.parameterCount() < model.parameterCount());
        assertTrue(pruned.flops(net.inputShape()) <= model.flops(net.inputShape()));
        assertEquals(g.channels() - dead, ChannelFlow.of(pruned.spec(), net.inputShape()).groups().get(g.index()).channels());
    }

    @Example
    void pruningALeNetShrinksFlopsByExactlyTheRemovedWork() {
        SequenceSpec spec = SequenceSpec.of(ConvSpec.square(1, 6, 5, 1, 2, true), new BatchNormSpec(6), new ReluSpec(),
                ConvSpec.square(6, 8, 3, 1, 1, true), new BatchNormSpec(8), new ReluSpec(),
                new dev.lanes.nn.arch.FlattenSpec(), new LinearSpec(8 * 8 * 8, 10, true));
        int[] in = {2, 1, 8, 8};
        Module model = Arch.build(spec, 3);
        randomizeNormState(model, 3);
        model.eval();
        ChannelFlow flow = ChannelFlow.of(spec, in);
        ChannelFlow.Group first = flow.groupOf("0.weight", 0).orElseThrow(), second = flow.groupOf("3.weight", 0).orElseThrow();
        plantDead(model, first, new int[] {1, 4});
        plantDead(model, second, new int[] {0, 7, 3});
        Tensor x = input(in, 3);
        float[] before = model.forward(x).toArray();
        Module pruned = ChannelPruning.prune(model, in, Map.of(first.index(), ChannelPruning.allExcept(6, 1, 4), second.index(), ChannelPruning.allExcept(8, 0, 7, 3)));
        assertClose(before, pruned.forward(x).toArray(), 1e-5);
        SequenceSpec expected = SequenceSpec.of(ConvSpec.square(1, 4, 5, 1, 2, true), new BatchNormSpec(4), new ReluSpec(),
                ConvSpec.square(4, 5, 3, 1, 1, true), new BatchNormSpec(5), new ReluSpec(),
                new dev.lanes.nn.arch.FlattenSpec(), new LinearSpec(5 * 8 * 8, 10, true));
        assertEquals(expected, pruned.spec(), "the linear layer loses 64 columns per removed channel");
        // the convs and the linear layer lose exactly the multiply-adds of the removed channels; BN and ReLU
        // work is per channel and the same for both 8×8 maps
        long convAndLinearDrop = 2L * 2 * 64 * ((6 - 4) * 25 + (8 * 6 - 5 * 4) * 9) + 2L * 2 * 10 * (8 - 5) * 64
                + 2L * 64 * (2 + 3); // one add per output for the biases of the removed filters
        Map<String, Module> layers = model.namedModules();
        long perChannelDrop = (layers.get("1").flops(new int[] {2, 6, 8, 8}) + layers.get("2").flops(new int[] {2, 6, 8, 8})) / 6 * 2
                + (layers.get("4").flops(new int[] {2, 8, 8, 8}) + layers.get("5").flops(new int[] {2, 8, 8, 8})) / 8 * 3;
        assertEquals(model.flops(in) - convAndLinearDrop - perChannelDrop, pruned.flops(in));
    }

    @Example
    void aResidualGroupIsPrunedAsAWhole() {
        SequenceSpec spec = resnetLike();
        int[] in = {2, 1, 8, 8};
        Module model = Arch.build(spec, 5);
        randomizeNormState(model, 5);
        model.eval();
        ChannelFlow flow = ChannelFlow.of(spec, in);
        ChannelFlow.Group g = flow.groupOf("0.weight", 0).orElseThrow();
        assertTrue(g.residual());
        plantDead(model, g, new int[] {2, 5});
        Tensor x = input(in, 5);
        float[] before = model.forward(x).toArray();
        Module pruned = ChannelPruning.prune(model, in, Map.of(g.index(), ChannelPruning.allExcept(8, 2, 5)));
        assertClose(before, pruned.forward(x).toArray(), 1e-5);
        assertEquals(6, ((ConvSpec) SpecPaths.get(pruned.spec(), "3.main.conv2")).out());
        assertEquals(6, ((ConvSpec) SpecPaths.get(pruned.spec(), "3.main.conv1")).in());
        assertEquals(6, ((ConvSpec) SpecPaths.get(pruned.spec(), "4.shortcut.conv")).in());
    }

    /** Packed ternary weights are pruned as codes: every kept weight decodes to its old value, and dead channels still go unnoticed. */
    @Example
    void pruningATernaryNetKeepsItPackedAndItsOutputs() {
        SequenceSpec spec = SequenceSpec.of(
                new ConvSpec(1, 6, 3, 3, 1, 1, 1, 1, true, WeightFormat.TERNARY_PER_CHANNEL), new BatchNormSpec(6), new ReluSpec(),
                new ConvSpec(6, 8, 3, 3, 1, 1, 1, 1, false, WeightFormat.TERNARY_PER_TENSOR), new BatchNormSpec(8), new ReluSpec(),
                new dev.lanes.nn.arch.FlattenSpec(), new LinearSpec(8 * 8 * 8, 10, true, WeightFormat.TERNARY_PER_CHANNEL));
        int[] in = {2, 1, 8, 8};
        Module model = Arch.build(spec, 9);
        randomizeNormState(model, 9);
        model.eval();
        ChannelFlow flow = ChannelFlow.of(spec, in);
        ChannelFlow.Group first = flow.groupOf("0.weight", 0).orElseThrow(), second = flow.groupOf("3.weight", 0).orElseThrow();
        plantDead(model, first, new int[] {0, 4});
        plantDead(model, second, new int[] {2, 3, 7});
        Tensor x = input(in, 9);
        float[] before = model.forward(x).toArray();
        ChannelPruning.Plan plan = ChannelPruning.plan(model, in, Map.of(first.index(), ChannelPruning.allExcept(6, 0, 4),
                second.index(), ChannelPruning.allExcept(8, 2, 3, 7)));
        Module pruned = plan.apply(model);
        assertClose(before, pruned.forward(x).toArray(), 1e-5);
        Map<String, Parameter> a = model.namedParameters(), b = pruned.namedParameters();
        for (String w : List.of("0.weight", "3.weight", "7.weight")) {
            assertTrue(b.get(w).isPacked(), w + " stays packed");
            assertEquals(a.get(w).ternary().granularity(), b.get(w).ternary().granularity(), w);
            // the plan's slice of the old decoded values is what the pruned codes decode to
            assertArrayEquals(plan.slice(w, a.get(w).value()).toArray(), b.get(w).value().toArray(), w);
        }
        assertEquals(4, b.get("0.weight").ternary().scaleCount(), "per-channel scales of the 4 kept filters");
        assertEquals(a.get("0.weight").ternary().scale(5), b.get("0.weight").ternary().scale(3));
        assertEquals(a.get("3.weight").ternary().scale(0), b.get("3.weight").ternary().scale(0), "one per-tensor scale, unchanged");
        assertArrayEquals(new int[] {10, 5 * 64}, b.get("7.weight").shape());
        assertTrue(plan.paths().containsAll(Set.of("0.weight", "0.bias", "1.running_mean", "3.weight", "4.running_var", "7.weight")), plan.paths().toString());
        assertTrue(!plan.paths().contains("7.bias"), "the classifier's outputs are not cut");
    }

    @Example
    void theOutputGroupIsRefusedByName() {
        int[] in = {1, 1, 8, 8};
        Module model = Arch.build(resnetLike(), 1);
        ChannelFlow flow = ChannelFlow.of(model.spec(), in);
        var e = assertThrows(IllegalArgumentException.class,
                () -> ChannelPruning.prune(model, in, Map.of(flow.outputGroup().index(), new int[] {0})));
        assertTrue(e.getMessage().contains("output"), e.getMessage());
    }

    /** A bypassed block computes relu(shortcut(x)): the same as its main path giving exactly zero. */
    @Example
    void bypassRunsOnlyTheShortcut() {
        int[] in = {2, 1, 8, 8};
        Module model = Arch.build(resnetLike(), 7);
        randomizeNormState(model, 7);
        model.eval();
        Module bypassed = Surgery.bypass(model, "4");
        assertTrue(((ResidualSpec) SpecPaths.get(bypassed.spec(), "4")).bypassed());
        Map<String, Parameter> p = model.namedParameters();
        p.get("4.main.bn2.weight").value().fill(0f);
        p.get("4.main.bn2.bias").value().fill(0f);
        Tensor x = input(in, 7);
        assertArrayEquals(model.forward(x).toArray(), bypassed.forward(x).toArray());
        var e = assertThrows(IllegalArgumentException.class, () -> Surgery.bypass(model, "1"));
        assertTrue(e.getMessage().contains("'1'"), e.getMessage());
    }

    @Example
    void replaceSwapsOneSubModuleAndKeepsTheRest() {
        Module model = Arch.build(resnetLike(), 2);
        LayerSpec sub = SpecPaths.get(model.spec(), "3");
        Module replacement = Arch.build(sub, 99);
        Module out = Surgery.replace(model, "3", replacement);
        assertEquals(model.spec(), out.spec());
        for (Map.Entry<String, Parameter> e : out.namedParameters().entrySet()) {
            Parameter want = e.getKey().startsWith("3.") ? replacement.namedParameters().get(e.getKey().substring(2)) : model.namedParameters().get(e.getKey());
            assertArrayEquals(want.value().toArray(), e.getValue().value().toArray(), e.getKey());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Surgery.replace(model, "9.x", replacement));
        assertTrue(e.getMessage().contains("'9'"), e.getMessage());
    }

    @Example
    void resamplingAConvChangesItsKernelAndResponseScale() {
        SequenceSpec spec = SequenceSpec.of(ConvSpec.square(1, 2, 2, 1, 0, true));
        Module model = Arch.build(spec, 4);
        Module up = Surgery.resampleKernel(model, "0", 4, 4, 1, 1, ImageResize.Method.BILINEAR);
        ConvSpec c = (ConvSpec) SpecPaths.get(up.spec(), "0");
        assertEquals(List.of(4, 4, 1, 1), List.of(c.kernelH(), c.kernelW(), c.padH(), c.padW()));
        float[] w = model.namedParameters().get("0.weight").value().toArray(), w2 = up.namedParameters().get("0.weight").value().toArray();
        double s1 = 0, s2 = 0;
        for (int i = 0; i < 4; i++) s1 += w[i];
        for (int i = 0; i < 16; i++) s2 += w2[i];
        assertEquals(s1, s2, 1e-5, "the sum of taps is kept");
        assertArrayEquals(model.namedParameters().get("0.bias").value().toArray(), up.namedParameters().get("0.bias").value().toArray());
        var e = assertThrows(IllegalArgumentException.class, () -> Surgery.resampleKernel(Arch.build(resnetLike(), 1), "1", 3, 3, 1, 1, ImageResize.Method.BILINEAR));
        assertTrue(e.getMessage().contains("'1'"), e.getMessage());
    }

    static SequenceSpec resnetLike() {
        return SequenceSpec.of(ConvSpec.square(1, 8, 3, 1, 1, false), new BatchNormSpec(8), new ReluSpec(),
                block(8, 8, 1), block(8, 12, 2), new dev.lanes.nn.arch.GlobalAvgPoolSpec(), new LinearSpec(12, 10, true));
    }

    static ResidualSpec block(int in, int out, int stride) {
        SequenceSpec main = new SequenceSpec(List.of(
                new SequenceSpec.Child("conv1", ConvSpec.square(in, out, 3, stride, 1, false)),
                new SequenceSpec.Child("bn1", new BatchNormSpec(out)), new SequenceSpec.Child("relu1", new ReluSpec()),
                new SequenceSpec.Child("conv2", ConvSpec.square(out, out, 3, 1, 1, false)),
                new SequenceSpec.Child("bn2", new BatchNormSpec(out))));
        LayerSpec shortcut = in == out && stride == 1 ? null : new SequenceSpec(List.of(
                new SequenceSpec.Child("conv", ConvSpec.square(in, out, 1, stride, 0, false)),
                new SequenceSpec.Child("bn", new BatchNormSpec(out))));
        return new ResidualSpec(main, shortcut, true, false);
    }

    /**
     * Whether every producer of the group writes into a BN whose output only reaches consumers through a
     * ReLU: then γ = 0, β = −1 on a channel makes it exactly zero everywhere it is read.
     */
    private static boolean everyProducerIsNormalisedThenRectified(LayerSpec spec, ChannelFlow.Group g) {
        for (ChannelFlow.Member m : g.members()) {
            if (m.role() != ChannelFlow.Role.PRODUCER || !m.path().endsWith(".weight") && !m.path().equals("weight")) continue;
            String layer = m.path().substring(0, Math.max(0, m.path().length() - ".weight".length()));
            int dot = layer.lastIndexOf('.');
            String parent = dot < 0 ? "" : layer.substring(0, dot), name = layer.substring(dot + 1);
            if (!(SpecPaths.get(spec, parent) instanceof SequenceSpec s)) return false;
            List<SequenceSpec.Child> kids = s.children();
            int i = 0;
            while (i < kids.size() && !kids.get(i).name().equals(name)) i++;
            if (g.residual()) {
                if (i + 1 >= kids.size() || !(kids.get(i + 1).spec() instanceof BatchNormSpec)) return false;
            } else if (i + 2 >= kids.size() || !(kids.get(i + 1).spec() instanceof BatchNormSpec) || !(kids.get(i + 2).spec() instanceof ReluSpec)) {
                return false;
            }
        }
        if (g.residual()) return false; // the random property covers plain groups; the residual case is its own example
        return true;
    }

    /** γ = 0, β = −1 on the given channels of every BN in the group: after the ReLU they are exactly zero. */
    private static void plantDead(Module model, ChannelFlow.Group g, int[] channels) {
        Map<String, Parameter> params = model.namedParameters();
        for (ChannelFlow.Member m : g.members()) {
            if (m.role() != ChannelFlow.Role.NORM || !m.path().endsWith("weight")) continue;
            String bn = m.path().substring(0, m.path().length() - "weight".length());
            Tensor gamma = params.get(bn + "weight").value(), beta = params.get(bn + "bias").value();
            for (int c : channels) {
                gamma.data()[gamma.offset() + c] = 0f;
                beta.data()[beta.offset() + c] = -1f;
            }
        }
    }

    private static void randomizeNormState(Module model, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5EED);
        for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
            float[] d = e.getValue().data();
            for (int i = 0; i < e.getValue().size(); i++)
                d[e.getValue().offset() + i] = e.getKey().endsWith("running_var") ? (float) r.nextDouble(0.2, 3) : (float) r.nextDouble(-1, 1);
        }
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (!e.getKey().contains("bn") && !isNormParameter(model, e.getKey())) continue;
            Tensor t = e.getValue().value();
            for (int i = 0; i < t.size(); i++) t.data()[t.offset() + i] = (float) r.nextDouble(0.3, 1.5) * (r.nextBoolean() ? 1 : -1);
        }
    }

    private static boolean isNormParameter(Module model, String path) {
        int dot = path.lastIndexOf('.');
        return SpecPaths.get(model.spec(), dot < 0 ? "" : path.substring(0, dot)) instanceof BatchNormSpec;
    }

    static Tensor input(int[] shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextGaussian();
        return x;
    }

    /**
     * |Δ| ≤ rel · max(1, max |want|): relative for outputs of order 1 and above, absolute below, as PyTorch's
     * assert_close (atol 1e-5 for float32). Small outputs of a deep random net are differences of much larger
     * terms, whose float rounding (6.8e-7 on an output of 0.024, seen once in 10⁴ nets) is not the fold's doing;
     * a wrong fold is off by the output's own size.
     */
    static void assertClose(float[] want, float[] got, double rel) {
        assertEquals(want.length, got.length);
        double scale = 1;
        for (float v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            int j = i;
            assertTrue(Math.abs(want[i] - got[i]) <= rel * scale, () -> "output " + j + ": " + want[j] + " vs " + got[j] + " (scale " + want.length + ")");
        }
    }

    /** The same net with every conv and linear weight in float format (the builder refuses ternary ones so far). */
    static RandomSpecs.Net floatWeights(RandomSpecs.Net net) {
        return new RandomSpecs.Net(toFloat(net.spec()), net.inputShape(), net.classes());
    }

    private static LayerSpec toFloat(LayerSpec s) {
        return switch (s) {
            case ConvSpec c -> new ConvSpec(c.in(), c.out(), c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.padH(), c.padW(), c.bias(), WeightFormat.FLOAT);
            case LinearSpec l -> new LinearSpec(l.in(), l.out(), l.bias(), WeightFormat.FLOAT);
            case SequenceSpec q -> {
                List<SequenceSpec.Child> kids = new ArrayList<>();
                for (SequenceSpec.Child c : q.children()) kids.add(new SequenceSpec.Child(c.name(), toFloat(c.spec())));
                yield new SequenceSpec(kids);
            }
            case ResidualSpec r -> new ResidualSpec(toFloat(r.main()), r.shortcut() == null ? null : toFloat(r.shortcut()), r.postRelu(), r.bypassed());
            default -> s;
        };
    }
}
