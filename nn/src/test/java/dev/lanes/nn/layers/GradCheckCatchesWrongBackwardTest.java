package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.LayerSpec;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.opentest4j.AssertionFailedError;

/** The gradient check can fail: a residual block whose dx is 10% too large never passes, redraws or not. */
class GradCheckCatchesWrongBackwardTest {

    /** Forwards to a block; its backward scales dx by 1.1. */
    private static final class WrongDx extends Module {
        final Residual inner;
        WrongDx(Residual inner) { this.inner = inner; }
        @Override public Tensor forward(Tensor x) { return inner.forward(x); }
        @Override public Tensor backward(Tensor dy, boolean needDx) {
            Tensor dx = inner.backward(dy, needDx);
            if (dx != null) for (int i = 0; i < dx.size(); i++) dx.data()[dx.offset() + i] *= 1.1f;
            return dx;
        }
        @Override public LayerSpec spec() { return inner.spec(); }
        @Override public int[] outputShape(int[] s) { return inner.outputShape(s); }
        @Override public long flops(int[] s) { return inner.flops(s); }
        @Override public List<Module> children() { return List.of(inner); }
        @Override public List<String> childNames() { return List.of("inner"); }
    }

    @Property(tries = 8)
    void aTenPercentErrorInDxFails(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Residual block = Residual.basicBlock(2, 2, 1, 1);
        dev.lanes.nn.init.Init.initialize(block, seed);
        GradCheck check = new GradCheck(3e-3, 3e-2, 3e-3, 1e-3).samples(25);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> check.checkModule(new WrongDx(block), GradCheck.uniform(rng, 1, 2, 2, 4, 4), rng));
        assertTrue(e.getMessage().contains("dx["), e.getMessage());
    }
}
