package dev.lanes.training.sparsity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.GlobalAvgPool;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.init.Init;
import dev.lanes.nn.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparsityAnalysisTest {
    @Test
    void bothCriteriaPerLayerOnPlantedFilters() {
        Sequential m = PlantedModels.twoLayers(3);
        SparsityAnalysis a = new SparsityAnalysis(m, new int[] {1, 8, 8});
        a.observe(PlantedModels.images(7, 1, 8, 8, 1));
        a.observe(PlantedModels.images(5, 1, 8, 8, 2));
        SparsityReport r = a.report();
        assertEquals(12, r.samples());
        assertEquals(2, r.layers().size());
        SparsityReport.LayerStats l1 = r.layers().get(0), l2 = r.layers().get(1);
        assertEquals("conv1", l1.name());
        assertEquals("bn1", l1.bn());
        assertArrayEquals(new int[] {1, 2}, l1.deadByActivation());
        assertArrayEquals(new int[] {1, 3}, l1.deadByGamma());
        assertEquals(3, l1.dead(), "either criterion: 1, 2 and 3");
        assertArrayEquals(new int[] {1, 0, 0, 1, 0, 1, 0, 1}, l1.gammaHistogram(), "|γ| 0, 3e-4, 0.02, 1");
        assertEquals(1.0, l1.selectivity()[1]);
        assertEquals(0.0, l1.selectivity()[3], "a constant 0.5 is never below 1e-3 of its maximum");
        assertEquals(0.5f, l1.maxActivation()[3], 5e-3f, "0.5 + 3e-4 · conv");
        assertArrayEquals(new int[] {2}, l2.deadByActivation());
        assertEquals(0, l2.deadByGamma().length);
        assertEquals(7, r.filters());
        assertEquals(4, r.dead());
        assertEquals(4.0 / 7, r.deadFraction(), 1e-12);
        assertEquals(2, r.groups().size());
        assertArrayEquals(new int[] {1, 2}, r.groups().get(0).dead(), "the γ-only filter is alive: it emits 0.5");
        assertArrayEquals(new int[] {2}, r.groups().get(1).dead());
        assertTrue(m.isTraining() == false, "the mode is restored");
        String json = r.toJson().toString();
        assertTrue(json.contains("\"dead_activation_channels\": [1, 2]"), json);
        assertTrue(json.contains("\"dead_fraction\": 0.5714"), json);
        String table = r.table();
        assertTrue(table.contains("conv1") && table.contains("3 (75.0%)") && table.contains("total"), table);
    }

    @Test
    void analysisRunsInEvalModeAndRestoresTraining() {
        Sequential m = PlantedModels.twoLayers(4);
        BatchNorm2d bn2 = (BatchNorm2d) m.get("bn2");
        float[] mean = m.namedBuffers().get("bn2.running_mean").data();
        mean[0] = 1000; // eval mode: γ·(x − 1000) + β, dead; batch statistics would have kept it alive
        m.train();
        SparsityAnalysis a = new SparsityAnalysis(m, new int[] {1, 8, 8});
        a.observe(PlantedModels.images(6, 1, 8, 8, 5));
        assertTrue(m.isTraining());
        assertEquals(1000f, mean[0], "a training-mode forward would have moved the running mean");
        assertArrayEquals(new int[] {0, 2}, a.report().layers().get(1).deadByActivation());
        assertTrue(bn2.weight().value().data()[0] == 1f);
    }

    @Test
    void aResNetsResidualGroupIsWatchedAtEveryJoin() {
        Sequential net = Zoo.resnet(8, 3, 10, 1);
        FilterLayers f = FilterLayers.of(net, new int[] {1, 3, 16, 16});
        assertEquals(List.of("conv1", "layer1.0.main.conv1", "layer2.0.main.conv1", "layer3.0.main.conv1"),
                f.layers().stream().map(FilterLayers.Layer::conv).toList());
        assertEquals(List.of(), f.refused());
        FilterLayers.Removable stem = f.removable().stream().filter(r -> r.producers().contains("conv1")).findFirst().orElseThrow();
        assertTrue(stem.residual());
        assertEquals(List.of("conv1", "layer1.0.main.conv2"), stem.producers());
        assertEquals(List.of("relu", "layer1.0.relu"), stem.taps().stream().map(FilterLayers.Tap::relu).toList());
        FilterLayers.Removable stage2 = f.removable().stream().filter(r -> r.producers().contains("layer2.0.shortcut.conv")).findFirst().orElseThrow();
        assertEquals(List.of("layer2.0.main.conv2", "layer2.0.shortcut.conv"), stage2.producers());
        assertEquals(List.of("layer2.0.relu"), stage2.taps().stream().map(FilterLayers.Tap::relu).toList());
        assertEquals(6, f.removable().size(), "3 inner and 3 residual groups; not the input or the logits: " + f.removable());
    }

    @Test
    void aJoinWithoutReluIsRefusedWithItsReason() {
        Sequential main = new Sequential().add("conv", new Conv2d(4, 4, 3, 1, 1, false)).add("bn", new BatchNorm2d(4));
        Sequential net = new Sequential().add("conv0", new Conv2d(1, 4, 3, 1, 1, false)).add("bn0", new BatchNorm2d(4)).add("relu0", new ReLU())
                .add("block", new Residual(main, null, false)).add("gap", new GlobalAvgPool()).add("fc", new Linear(4, 2, true));
        Init.initialize(net, 1);
        FilterLayers f = FilterLayers.of(net, new int[] {1, 1, 8, 8});
        assertEquals(0, f.removable().size());
        assertEquals(1, f.refused().size());
        assertTrue(f.refused().get(0).contains("block.main.conv") && f.refused().get(0).contains("without passing a ReLU"), f.refused().toString());
    }
}
