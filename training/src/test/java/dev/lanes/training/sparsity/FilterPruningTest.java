package dev.lanes.training.sparsity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.zoo.Zoo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterPruningTest {
    @TempDir Path tmp;

    private static SparsityReport analyse(Module m, int[] image, Tensor... batches) {
        SparsityAnalysis a = new SparsityAnalysis(m, image);
        for (Tensor x : batches) a.observe(x);
        return a.report();
    }

    @Test
    void plantedDeadFiltersGoAndTheOutputsStay() {
        Sequential m = PlantedModels.twoLayers(7);
        int[] in = {1, 1, 8, 8};
        SparsityReport r = analyse(m, new int[] {1, 8, 8}, PlantedModels.images(16, 1, 8, 8, 1));
        FilterPruning.Result p = FilterPruning.prune(m, in, r);
        assertEquals(7, p.filtersBefore());
        assertEquals(4, p.filtersAfter(), "conv1 loses 1 and 2, conv2 loses 2; the |γ|-only filter (a constant 0.5) stays");
        // unseen images: the planted filters are dead for any input
        Tensor x = PlantedModels.images(9, 1, 8, 8, 99);
        Tensor before = m.forward(x).copy();
        Tensor after = p.pruned().forward(x);
        assertTrue(before.maxAbsDiff(after) <= 1e-5f, "max |Δ| " + before.maxAbsDiff(after));
        for (int i = 0; i < 9; i++) assertEquals(before.argmax(i), after.argmax(i));
        // per layer FLOPs, one 8×8 image; a multiply-add counts 2
        long original = 2L * 4 * 64 * 9          // conv1 1→4, no bias
                + 2L * 4 * 64 + 4 * 64             // bn1, relu1
                + 4 * 16 * 3                       // 2×2 max pool to 4×4: 3 comparisons per output
                + 2L * 3 * 16 * 4 * 9              // conv2 4→3
                + 2L * 3 * 16 + 3 * 16             // bn2, relu2
                + 3 * 16 + 2 * 3 * 2;              // gap, fc 3→2 (its bias: + 2)
        long pruned = 2L * 2 * 64 * 9 + 2 * 64     // conv1 1→2 with the folded BN as bias
                + 2 * 64 + 2 * 16 * 3              // relu1, pool
                + 2L * 2 * 16 * 2 * 9 + 2 * 16     // conv2 2→2 with bias
                + 2 * 16 + 2 * 16 + 2 * 2 * 2;     // relu2, gap, fc 2→2
        assertEquals(original + 2, m.flops(in));
        assertEquals(pruned + 2, p.pruned().flops(in));
        assertEquals(original - pruned, m.flops(in) - p.pruned().flops(in), "the expected drop, 9230 → 3914");
        assertArrayEquals(new int[] {1, 2}, p.removedByGroup().values().iterator().next());
    }

    @Test
    void aPrunedModelRoundTripsThroughTheModelFile() throws Exception {
        Sequential m = PlantedModels.twoLayers(8);
        int[] in = {1, 1, 8, 8};
        FilterPruning.Result p = FilterPruning.prune(m, in, analyse(m, new int[] {1, 8, 8}, PlantedModels.images(10, 1, 8, 8, 3)));
        Path f = tmp.resolve("pruned.lanes");
        ModelFile.save(f, p.pruned());
        Module back = ModelFile.read(f).build();
        back.eval();
        assertEquals(p.pruned().spec(), back.spec());
        Tensor x = PlantedModels.images(5, 1, 8, 8, 4);
        assertArrayEquals(p.pruned().forward(x).toArray(), back.forward(x).toArray(), 0f, "the same bits");
        assertEquals(p.pruned().flops(in), back.flops(in));
    }

    @Test
    void aResidualGroupDeadAtEveryJoinIsPrunedAsAWhole() {
        Sequential net = Zoo.resnet(8, 3, 10, 5);
        net.eval();
        int c = 5;
        for (String bn : new String[] {"bn1", "layer1.0.main.bn2"}) {
            BatchNorm2d b = (BatchNorm2d) net.namedModules().get(bn);
            b.weight().value().data()[c] = 0;
            b.bias().value().data()[c] = -1;
        }
        // channel 7 dies at the stem only: the block's join revives it, so it must stay
        BatchNorm2d stem = (BatchNorm2d) net.get("bn1");
        stem.weight().value().data()[7] = 0;
        stem.bias().value().data()[7] = -1;
        int[] in = {1, 3, 16, 16};
        SparsityReport r = analyse(net, new int[] {3, 16, 16}, PlantedModels.images(8, 3, 16, 16, 1));
        SparsityReport.GroupDeath g = r.groups().stream().filter(x -> x.producers().contains("conv1")).findFirst().orElseThrow();
        assertTrue(g.residual());
        assertArrayEquals(new int[] {c}, g.dead(), "dead at the stem and at the join: only channel 5");
        assertArrayEquals(new int[] {5, 7}, r.layers().get(0).deadByActivation(), "the stem row sees both");
        FilterPruning.Result p = FilterPruning.prune(net, in, r);
        Tensor x = PlantedModels.images(4, 3, 16, 16, 2);
        Tensor before = net.forward(x).copy();
        Tensor after = p.pruned().forward(x);
        assertTrue(before.maxAbsDiff(after) <= 1e-4f, "max |Δ| " + before.maxAbsDiff(after));
        assertTrue(p.pruned().flops(in) < net.flops(in));
        assertEquals(15, ((dev.lanes.nn.arch.ConvSpec) dev.lanes.nn.surgery.SpecPaths.get(p.pruned().spec(), "layer1.0.main.conv2")).out());
        assertEquals(15, ((dev.lanes.nn.arch.ConvSpec) dev.lanes.nn.surgery.SpecPaths.get(p.pruned().spec(), "layer2.0.shortcut.conv")).in());
    }
}
