package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DebugScratchTest {
    @Test
    void fullSize() {
        SplittableRandom rng = new SplittableRandom(3);
        Sequential m = dev.lanes.nn.zoo.Zoo.create("small-cnn", 1, 10, 1);
        m.setInputGradNeeded(true);
        new GradCheck(1e-3, 5e-2, 5e-3, 2e-3).outliers(3).samples(8).checkModule(m, GradCheck.uniform(rng, 1, 64, 1, 28, 28), rng);
        System.out.println("small-cnn full size OK");
    }
}
