package dev.lanes.training.constrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryQuantizer;
import dev.lanes.nn.param.TernaryStorage;
import dev.lanes.nn.zoo.Mlp;
import dev.lanes.training.Trainer;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.TableDataset;
import dev.lanes.training.methods.Methods;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ConstrainedProperties {
    /** A table of {@code rows} random Gaussian rows of {@code features} values with random labels. */
    static TableDataset table(long seed, int rows, int features, int classes) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int i = 0; i < rows; i++) y[i] = i < classes ? i : rng.nextInt(classes);
        List<String> f = new ArrayList<>(), c = new ArrayList<>();
        for (int i = 0; i < features; i++) f.add("f" + i);
        for (int i = 0; i < classes; i++) c.add("c" + i);
        return new TableDataset(x, y, f, c);
    }

    static Tensor rows(TableDataset t) {
        Tensor x = Tensor.zeros(t.size(), t.imageSize(), 1, 1);
        for (int i = 0; i < t.size(); i++) t.get(i, x.data(), i * t.imageSize());
        return x;
    }

    static int[] labels(TableDataset t) {
        int[] y = new int[t.size()];
        for (int i = 0; i < y.length; i++) y[i] = t.label(i);
        return y;
    }

    @Property(tries = 40)
    void aConstrainedWeightStaysInsideItsSetAfterAnyNumberOfSteps(@ForAll @IntRange(min = 1, max = 5) int features,
                                                                   @ForAll @IntRange(min = 1, max = 4) int hidden,
                                                                   @ForAll @IntRange(min = 2, max = 3) int classes,
                                                                   @ForAll @IntRange(min = 3, max = 12) int rows,
                                                                   @ForAll @IntRange(min = 1, max = 6) int epochs,
                                                                   @ForAll boolean exhaustive, @ForAll boolean perChannel,
                                                                   @ForAll @IntRange(min = 0, max = 1000) int seed) throws Exception {
        TableDataset data = table(seed, rows, features, classes);
        Sequential net = Mlp.create(features, classes, seed, hidden);
        try (DataLoader loader = DataLoader.builder(data).batchSize(1 + seed % rows).shuffle(true).seed(seed).build()) {
            Trainer t = Trainer.builder(net, new Adam(net.parameters(), 0.05f), loader).epochs(epochs).seed(seed)
                    .method(Methods.create("constrained:mode=" + (exhaustive ? "exhaustive" : "blocks") + ",granularity=" + (perChannel ? "channel" : "tensor")
                            + ",budget=" + (1 + seed % 7)))
                    .build();
            t.fit();
        }
        for (var e : net.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (!e.getKey().endsWith("weight")) {
                assertTrue(!p.isPacked(), e.getKey() + " stays float");
                continue;
            }
            TernaryStorage s = p.ternary();
            assertEquals(-1, s.constraint().firstOutside(s), e.getKey() + " has a value outside {-a, 0, +a}");
            for (int i = 0; i < s.size(); i++) {
                assertTrue(s.code(i) >= 0 && s.code(i) <= 2, "code " + s.code(i));
                assertEquals((s.code(i) - 1) * s.scale(s.channelOf(i)), p.value().data()[i], "decoded value of element " + i);
            }
            for (int c = 0; c < s.scaleCount(); c++) assertTrue(s.scale(c) > 0 && Float.isFinite(s.scale(c)), "scale " + s.scale(c));
        }
    }

    @Property(tries = 60)
    void anExhaustiveSweepNeverRaisesTheFullBatchLoss(@ForAll @IntRange(min = 1, max = 5) int features,
                                                      @ForAll @IntRange(min = 1, max = 4) int hidden,
                                                      @ForAll @IntRange(min = 0, max = 3) int secondHidden,
                                                      @ForAll @IntRange(min = 2, max = 4) int classes,
                                                      @ForAll @IntRange(min = 2, max = 16) int rows,
                                                      @ForAll @IntRange(min = 1, max = 40) int budget,
                                                      @ForAll boolean perChannel,
                                                      @ForAll @IntRange(min = 0, max = 1000) int seed) {
        TableDataset data = table(seed, rows, features, classes);
        Sequential net = secondHidden == 0 ? Mlp.create(features, classes, seed, hidden) : Mlp.create(features, classes, seed, hidden, secondHidden);
        ConstrainedWeights w = new ConstrainedWeights(net, perChannel ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR, TernaryQuantizer.TWN_THRESHOLD);
        ExhaustiveSweep sweep = new ExhaustiveSweep(net, w);
        Tensor x = rows(data);
        int[] y = labels(data);
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        float loss = ce.forward(net.forward(x), y, 0);
        for (int s = 0; s < 4; s++) {
            float returned = sweep.sweep(x, y, budget);
            float fresh = ce.forward(net.forward(x), y, 0);
            assertEquals(fresh, returned, "the sweep reports the model's loss");
            assertTrue(fresh <= loss, "sweep " + s + " raised the full-batch loss from " + loss + " to " + fresh);
            loss = fresh;
        }
    }
}
