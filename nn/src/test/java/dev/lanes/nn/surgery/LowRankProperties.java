package dev.lanes.nn.surgery;

import static dev.lanes.nn.surgery.SurgeryProperties.assertClose;
import static dev.lanes.nn.surgery.SurgeryProperties.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.LinearSpec;
import dev.lanes.nn.arch.RandomSpecs;
import dev.lanes.nn.arch.ReluSpec;
import dev.lanes.nn.arch.SequenceSpec;
import dev.lanes.nn.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LowRankProperties {
    @Provide
    Arbitrary<RandomSpecs.Net> nets() { return RandomSpecs.nets().map(SurgeryProperties::floatWeights); }

    /** Every conv and linear layer factorised at full rank: the outputs are the original's up to rounding. */
    @Property(tries = 60)
    void fullRankKeepsOutputs(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module model = Arch.build(net.spec(), seed).eval();
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (LowRankLayer l : LowRank.layers(model, net.inputShape())) ranks.put(l.path(), l.maxRank());
        Tensor x = input(net.inputShape(), seed);
        Module factorised = LowRank.factorise(model, ranks);
        assertClose(model.forward(x).toArray(), factorised.forward(x).toArray(), 1e-5);
    }

    /** At rank r, ‖W − W₂W₁‖_F = √(Σ discarded σ²), the Eckart–Young error of the best rank-r approximation. */
    @Property(tries = 60)
    void weightErrorIsTheDiscardedEnergy(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module model = Arch.build(net.spec(), seed);
        List<LowRankLayer> layers = LowRank.layers(model, net.inputShape());
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (LowRankLayer l : layers) ranks.put(l.path(), 1 + rng.nextInt(l.maxRank()));
        Module factorised = LowRank.factorise(model, ranks);
        for (LowRankLayer l : layers) {
            int r = ranks.get(l.path());
            float[] w = model.namedParameters().get(SpecPaths.join(l.path(), "weight")).value().toArray();
            float[] first = factorised.namedParameters().get(SpecPaths.join(l.path(), "0.weight")).value().toArray();
            float[] second = factorised.namedParameters().get(SpecPaths.join(l.path(), "1.weight")).value().toArray();
            double err = 0, norm = 0;
            for (int k = 0; k < l.rows(); k++)
                for (int c = 0; c < l.cols(); c++) {
                    double p = 0;
                    for (int j = 0; j < r; j++) p += (double) second[k * r + j] * first[j * l.cols() + c];
                    double d = w[k * l.cols() + c] - p;
                    err += d * d;
                    norm += (double) w[k * l.cols() + c] * w[k * l.cols() + c];
                }
            double want = Math.sqrt(l.tailEnergy(r));
            assertEquals(want, Math.sqrt(err), 1e-5 * Math.sqrt(norm), "'" + l.path() + "' at rank " + r + " of " + l.maxRank());
        }
        assertEquals(ranks.size(), layers.size());
    }

    /** A factorised model saves to a model file and comes back, from the file alone, with the same outputs. */
    @Property(tries = 15)
    void roundTripsThroughTheModelFile(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) throws IOException {
        Module model = Arch.build(net.spec(), seed).eval();
        List<LowRankLayer> layers = LowRank.layers(model, net.inputShape());
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (LowRankLayer l : layers) ranks.put(l.path(), Math.max(1, l.maxRank() / 2));
        Module factorised = LowRank.factorise(model, ranks).eval();
        Path file = Files.createTempFile("lowrank", ".lanes");
        try {
            ModelFile.save(file, factorised);
            Module back = ModelFile.read(file).build().eval();
            assertEquals(factorised.spec(), back.spec());
            Tensor x = input(net.inputShape(), seed);
            assertArrayEquals(factorised.forward(x).toArray(), back.forward(x).toArray());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The energy plan keeps the smallest sufficient rank and only ranks that save FLOPs. */
    @Property(tries = 40)
    void energyPlanIsMinimalAndSaves(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module model = Arch.build(net.spec(), seed);
        List<LowRankLayer> layers = LowRank.layers(model, net.inputShape());
        double energy = 0.3 + 0.69 * new SplittableRandom(seed).nextDouble();
        Map<String, Integer> plan = RankChoice.byEnergy(layers, energy);
        for (LowRankLayer l : layers) {
            if (!plan.containsKey(l.path())) continue;
            int r = plan.get(l.path());
            assertTrue(l.saves(r), l.path() + " at rank " + r + " saves no FLOPs");
            assertTrue(l.energy() - l.tailEnergy(r) >= energy * l.energy() * (1 - 1e-12), l.path() + ": rank " + r + " keeps too little");
            if (r > 1) assertTrue(l.energy() - l.tailEnergy(r - 1) < energy * l.energy(), l.path() + ": rank " + (r - 1) + " would do");
        }
    }

    /** The FLOPs plan meets its budget whenever rank 1 everywhere would, and factorises only where it saves. */
    @Property(tries = 40)
    void flopsPlanMeetsTheBudget(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        Module model = Arch.build(net.spec(), seed);
        List<LowRankLayer> layers = LowRank.layers(model, net.inputShape());
        double ratio = 0.1 + 0.9 * new SplittableRandom(seed).nextDouble();
        Map<String, Integer> plan = RankChoice.byFlops(layers, ratio);
        long before = 0, after = 0, floor = 0;
        for (LowRankLayer l : layers) {
            before += l.flops();
            Integer r = plan.get(l.path());
            if (r != null) assertTrue(l.saves(r), l.path() + " at rank " + r + " saves no FLOPs");
            after += r == null ? l.flops() : l.flops(r);
            floor += l.breakEvenRank() >= 1 ? l.flops(1) : l.flops();
        }
        if (floor <= ratio * before) assertTrue(after <= ratio * before, after + " FLOPs for a budget of " + ratio + " × " + before);
        else assertEquals(floor, after, "a budget out of reach gives rank 1 wherever factorising saves");
    }

    /** A 3×3 conv 4→8 on 6×6 at rank 2: the spec the surgery promises, stride and padding kept, bias moved. */
    @Example
    void convBecomesTwoConvs() {
        ConvSpec conv = new ConvSpec(4, 8, 3, 3, 2, 1, 1, 0, true, dev.lanes.nn.arch.WeightFormat.FLOAT);
        Module model = Arch.build(SequenceSpec.of(conv, new ReluSpec()), 1);
        Module f = LowRank.factorise(model, Map.of("0", 2));
        assertEquals(SequenceSpec.of(SequenceSpec.of(
                new ConvSpec(4, 2, 3, 3, 2, 1, 1, 0, false, dev.lanes.nn.arch.WeightFormat.FLOAT),
                ConvSpec.square(2, 8, 1, 1, 0, true)), new ReluSpec()), f.spec());
        assertArrayEquals(model.namedParameters().get("0.bias").value().toArray(), f.namedParameters().get("0.1.bias").value().toArray());
        LowRankLayer l = LowRank.layers(model, new int[] {3, 4, 6, 6}).get(0);
        assertEquals(2L * 8 * 36 * 3 * 4, l.flops()); // 3 × 4 output pixels
        assertEquals(2L * 2 * (36 + 8) * 12, l.flops(2));
        assertEquals(6, l.breakEvenRank()); // 6·44 = 264 < 288 = 8·36, 7·44 = 308 is not
    }

    @Example
    void refusesBadRanksAndLayers() {
        Module model = Arch.build(SequenceSpec.of(new LinearSpec(5, 3, true), new ReluSpec()), 1);
        assertThrows(IllegalArgumentException.class, () -> LowRank.factorise(model, Map.of("0", 0)));
        assertThrows(IllegalArgumentException.class, () -> LowRank.factorise(model, Map.of("0", 4)));
        assertThrows(IllegalArgumentException.class, () -> LowRank.factorise(model, Map.of("1", 1)));
        assertThrows(IllegalArgumentException.class, () -> LowRank.factorise(model, Map.of("2", 1)));
        assertThrows(IllegalArgumentException.class, () -> RankChoice.byEnergy(List.of(), 1.5));
        assertThrows(IllegalArgumentException.class, () -> RankChoice.byFlops(List.of(), 0));
    }
}
