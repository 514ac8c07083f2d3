package dev.lanes.training.sparsity;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.init.Init;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.GlobalAvgPool;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.MaxPool2d;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Sequential;
import java.util.SplittableRandom;

/** Small models in eval mode whose BN scales and shifts make chosen filters dead, for the sparsity tests. */
final class PlantedModels {
    private PlantedModels() {}

    /**
     * conv1(1→4)-bn1-relu1-pool-conv2(4→3)-bn2-relu2-gap-fc(3→2), BN running mean 0 and variance 1, so
     * bn(x) = γ·x + β (up to eps). bn1: channel 0 alive (γ 1, β 0); 1 dead by both (γ 0, β −1); 2 dead by
     * activation only (γ 0.02, β −100: conv outputs are far below 5000); 3 dead by |γ| only (γ 3e-4, β 0.5:
     * a constant 0.5). bn2: channel 2 dead by activation (γ 0.5, β −100).
     */
    static Sequential twoLayers(long seed) {
        Sequential m = new Sequential()
                .add("conv1", new Conv2d(1, 4, 3, 1, 1, false)).add("bn1", new BatchNorm2d(4)).add("relu1", new ReLU())
                .add("pool", new MaxPool2d(2))
                .add("conv2", new Conv2d(4, 3, 3, 1, 1, false)).add("bn2", new BatchNorm2d(3)).add("relu2", new ReLU())
                .add("gap", new GlobalAvgPool()).add("fc", new Linear(3, 2, true));
        Init.initialize(m, seed);
        bn(m, "bn1", new float[] {1, 0, 0.02f, 3e-4f}, new float[] {0, -1, -100, 0.5f});
        bn(m, "bn2", new float[] {1, 1, 0.5f}, new float[] {0.1f, 0, -100});
        m.eval();
        return m;
    }

    static void bn(Sequential m, String name, float[] gamma, float[] beta) {
        BatchNorm2d b = (BatchNorm2d) m.get(name);
        System.arraycopy(gamma, 0, b.weight().value().data(), b.weight().value().offset(), gamma.length);
        System.arraycopy(beta, 0, b.bias().value().data(), b.bias().value().offset(), beta.length);
    }

    /** Gaussian images [n, c, h, w]. */
    static Tensor images(int n, int c, int h, int w, long seed) {
        Tensor x = Tensor.zeros(n, c, h, w);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        return x;
    }
}
