package dev.lanes.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.zoo.Zoo;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library example, line for line, so the README cannot drift from the API. */
class ReadmeExampleTest {
    @TempDir Path tmp;

    @Test
    void readmeLibraryExampleRunsAndLearns() throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        Tensor images = Tensor.zeros(8, 1, 28, 28);
        for (int i = 0; i < images.size(); i++) images.data()[i] = (float) r.nextDouble();
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};

        Sequential net = Zoo.smallCnn(1, 28, 28, 10, 42);
        Optimizer opt = new Adam(net.parameters(), 1e-3f);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float first = 0, l = 0;
        for (int step = 0; step < 20; step++) {
            Tensor logits = net.forward(images);
            l = loss.forward(logits, labels);
            net.backward(loss.backward(), false);
            opt.step();
            opt.zeroGrad();
            if (step == 0) first = l;
        }
        ModelFile.save(tmp.resolve("net.lanes"), net);

        assertTrue(l < first * 0.5f, "20 Adam steps on one batch must fit it: loss " + first + " -> " + l);
        Sequential loaded = Zoo.smallCnn(1, 28, 28, 10, 7);
        ModelFile.load(tmp.resolve("net.lanes"), loaded);
        net.eval();
        loaded.eval();
        assertArrayEquals(net.forward(images).toArray(), loaded.forward(images).toArray());
    }
}
