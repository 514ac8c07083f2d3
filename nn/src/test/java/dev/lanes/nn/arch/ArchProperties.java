package dev.lanes.nn.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.zoo.Zoo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Modules built from specs give back their spec, and the zoo's models rebuild from theirs. */
class ArchProperties {
    @Provide
    Arbitrary<RandomSpecs.Net> nets() { return RandomSpecs.nets(); }

    private static Map<String, List<Integer>> shapes(Module m) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> out.put(k, java.util.Arrays.stream(p.shape()).boxed().toList()));
        m.namedBuffers().forEach((k, t) -> out.put("buffer " + k, java.util.Arrays.stream(t.shape()).boxed().toList()));
        return out;
    }

    @Property(tries = 200)
    void aBuiltModuleGivesBackItsSpec(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module m = Arch.build(net.spec(), seed);
        assertEquals(net.spec(), m.spec());
        // the generator's nets are valid: the model maps its input to [N, classes]
        assertArrayEquals(new int[]{net.inputShape()[0], net.classes()}, m.outputShape(net.inputShape()));
    }

    @Property(tries = 100)
    void buildingTwiceGivesTheSameParametersAndTheSeedFixesTheirValues(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module a = Arch.build(net.spec(), seed), b = Arch.build(net.spec(), seed);
        assertEquals(shapes(a), shapes(b));
        for (Map.Entry<String, Parameter> e : a.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value().toArray(), b.namedParameters().get(e.getKey()).value().toArray(), e.getKey());
        }
        // and the rebuilt spec builds the same again
        assertEquals(shapes(a), shapes(Arch.build(a.spec(), seed + 1)));
    }

    @Property(tries = 30)
    void aBuiltModuleRunsForwardAndBackward(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module m = Arch.build(net.spec(), seed);
        SplittableRandom rng = new SplittableRandom(seed);
        // training-mode batch norm needs more than one value per channel, and a net may pool down to 1×1
        int[] shape = net.inputShape().clone();
        shape[0] += 1;
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian();
        Tensor y = m.forward(x);
        assertArrayEquals(new int[]{shape[0], net.classes()}, y.shape());
        Tensor dx = m.backward(Tensor.full(1f, y.shape()), true);
        assertArrayEquals(shape, dx.shape());
    }

    @Test
    void zooModelsRebuildFromTheirSpecWithTheSameParametersAndTheSameWeights() {
        for (String name : List.of("lenet5", "small-cnn", "vgg11-w0.125", "resnet8", "resnet20")) {
            Sequential zoo = Zoo.create(name, 3, 32, 32, 10, 5);
            Module built = Arch.build(zoo.spec(), 5);
            assertEquals(shapes(zoo), shapes(built), name);
            assertEquals(zoo.spec(), built.spec(), name);
            // same init walk, so the same seed gives the zoo's own weights
            for (Map.Entry<String, Parameter> e : zoo.namedParameters().entrySet()) {
                assertArrayEquals(e.getValue().value().toArray(), built.namedParameters().get(e.getKey()).value().toArray(), name + " " + e.getKey());
            }
        }
    }

    @Test
    void ternaryFormatsBuildPackedWeights() {
        SequenceSpec spec = new SequenceSpec(List.of(new SequenceSpec.Child("features", SequenceSpec.of(
                new ConvSpec(1, 2, 3, 3, 1, 1, 1, 1, false, WeightFormat.TERNARY_PER_CHANNEL)))));
        Module m = Arch.build(spec, 1);
        assertTrue(m.namedParameters().get("features.0.weight").isPacked());
        assertEquals(spec, m.spec());
        Module fc = Arch.build(new LinearSpec(2, 2, true, WeightFormat.TERNARY_PER_TENSOR), 1);
        assertEquals(new LinearSpec(2, 2, true, WeightFormat.TERNARY_PER_TENSOR), fc.spec());
        for (float v : fc.namedParameters().get("weight").value().toArray())
            assertTrue(v == 0 || Math.abs(v) == fc.namedParameters().get("weight").ternary().scale(0), "value " + v + " outside {-a, 0, a}");
    }

    @Test
    void aLayerReportsItsPackedWeightFormat() {
        Module fc = Arch.build(new LinearSpec(4, 3, true), 2);
        fc.parameters().get(0).constrain(dev.lanes.nn.param.TernaryConstraint.perChannel());
        assertEquals(new LinearSpec(4, 3, true, WeightFormat.TERNARY_PER_CHANNEL), fc.spec());
    }
}
