package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.zoo.Zoo;
import java.util.SplittableRandom;
import dev.lanes.engine.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole-model backward of LeNet-5 and ResNet-8 spot-checked (20 coordinates per tensor) on tiny inputs. */
class ModelGradientTest {
    // a deep float network: a smaller step, a looser tolerance, and 5 of ~500 coordinates may sit between kinks
    private static int threads;

    // ~1500 forwards of a tiny net: dispatch overhead, not arithmetic, so one thread is faster on a busy host
    @BeforeAll
    static void oneThread() {
        threads = Parallel.threads();
        Parallel.setThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        Parallel.setThreads(threads);
    }

    private final GradCheck check = new GradCheck(1e-3, 5e-2, 5e-3, 2e-3).outliers(5).samples(20);

    @Test
    void lenet5() {
        SplittableRandom rng = new SplittableRandom(5);
        Sequential model = Zoo.create("lenet5", 1, 16, 16, 10, 42);
        check.checkModule(model, GradCheck.uniform(rng, 1, 2, 1, 16, 16), rng);
    }

    @Test
    void resnet8() {
        SplittableRandom rng = new SplittableRandom(8);
        Sequential model = Zoo.create("resnet8", 3, 5, 42);
        check.checkModule(model, GradCheck.uniform(rng, 1, 2, 3, 8, 8), rng);
    }

    @Test
    void resnet8WithoutInputGradient() {
        SplittableRandom rng = new SplittableRandom(9);
        Sequential model = Zoo.create("resnet8", 3, 5, 7);
        Tensor x = GradCheck.uniform(rng, 1, 2, 3, 8, 8);
        // backward returns null; every parameter is still checked, on fewer coordinates
        new GradCheck(1e-3, 5e-2, 5e-3, 2e-3).outliers(2).samples(6).needDx(false).checkModule(model, x, rng);
    }
}
