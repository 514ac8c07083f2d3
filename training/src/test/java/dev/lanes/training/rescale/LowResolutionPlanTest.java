package dev.lanes.training.rescale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.arch.AdaptiveAvgPoolSpec;
import dev.lanes.nn.arch.BatchNormSpec;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.FlattenSpec;
import dev.lanes.nn.arch.GlobalAvgPoolSpec;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.LinearSpec;
import dev.lanes.nn.arch.MaxPoolSpec;
import dev.lanes.nn.arch.ReluSpec;
import dev.lanes.nn.arch.ResidualSpec;
import dev.lanes.nn.arch.SequenceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class LowResolutionPlanTest {
    static SequenceSpec lenetLike() {
        return SequenceSpec.of(ConvSpec.square(1, 6, 5, 1, 2, true), new BatchNormSpec(6), new ReluSpec(), new MaxPoolSpec(2, 2, 0),
                ConvSpec.square(6, 16, 5, 1, 0, true), new BatchNormSpec(16), new ReluSpec(), new MaxPoolSpec(2, 2, 0),
                new AdaptiveAvgPoolSpec(5, 5), new FlattenSpec(), new LinearSpec(400, 10, true));
    }

    static ResidualSpec block(int in, int out, int stride) {
        SequenceSpec main = new SequenceSpec(List.of(
                new SequenceSpec.Child("conv1", ConvSpec.square(in, out, 3, stride, 1, false)),
                new SequenceSpec.Child("bn1", new BatchNormSpec(out)), new SequenceSpec.Child("relu1", new ReluSpec()),
                new SequenceSpec.Child("conv2", ConvSpec.square(out, out, 3, 1, 1, false)),
                new SequenceSpec.Child("bn2", new BatchNormSpec(out))));
        LayerSpec shortcut = in == out && stride == 1 ? null : new SequenceSpec(List.of(
                new SequenceSpec.Child("conv", ConvSpec.square(in, out, 1, stride, 0, false)),
                new SequenceSpec.Child("bn", new BatchNormSpec(out))));
        return new ResidualSpec(main, shortcut, true, false);
    }

    static SequenceSpec resnetLike() {
        return SequenceSpec.of(ConvSpec.square(1, 8, 3, 1, 1, false), new BatchNormSpec(8), new ReluSpec(),
                block(8, 8, 1), block(8, 16, 2), block(16, 16, 1), new GlobalAvgPoolSpec(), new LinearSpec(16, 10, true));
    }

    private static ConvSpec conv(LayerSpec s, String... path) {
        LayerSpec cur = s;
        for (String p : path) {
            if (cur instanceof ResidualSpec r) cur = p.equals("main") ? r.main() : r.shortcut();
            else cur = ((SequenceSpec) cur).children().stream().filter(c -> c.name().equals(p)).findFirst().orElseThrow().spec();
        }
        return (ConvSpec) cur;
    }

    @Test
    void fiveByFiveBecomesThreeByThreeKeepingSizes() {
        LowResolutionPlan.Plan plan = LowResolutionPlan.of(lenetLike(), 28, 28, 2);
        assertEquals(14, plan.inputHeight());
        assertEquals(ConvSpec.square(1, 6, 3, 1, 1, true), conv(plan.spec(), "0"));
        assertEquals(ConvSpec.square(6, 16, 3, 1, 0, true), conv(plan.spec(), "4"));
        assertEquals(List.of("0", "4"), List.copyOf(plan.rescaled().keySet()));
    }

    @Test
    void residualJoinsStayAlignedWithEvenKernels() {
        LowResolutionPlan.Plan plan = LowResolutionPlan.of(resnetLike(), 28, 28, 2);
        for (String b : List.of("3", "4", "5")) {
            ConvSpec c1 = conv(plan.spec(), b, "main", "conv1"), c2 = conv(plan.spec(), b, "main", "conv2");
            assertEquals(2, c1.kernelH());
            assertEquals(2, c2.kernelW());
            // the stem's 2×2 conv makes 15×15 from 14×14 (ties go to the larger map); two 2×2 convs then keep a
            // size only when padded 1 then 0 (or 0 then 1), and the stride-2 block must land on its shortcut's 8×8
            int in = b.equals("5") ? 8 : 15;
            int want = b.equals("4") ? out(15, 1, 2, 0) : in;
            int stride = b.equals("4") ? 2 : 1;
            assertEquals(want, out(out(in, 2, stride, c1.padH()), 2, 1, c2.padH()), "block " + b);
            assertEquals(want, out(out(in, 2, stride, c1.padW()), 2, 1, c2.padW()), "block " + b);
        }
        assertEquals(1, conv(plan.spec(), "4", "shortcut", "conv").kernelH(), "1x1 shortcuts are not rescaled");
        assertTrue(plan.rescaled().containsKey("3.main.conv1"));
    }

    @Test
    void scaleOneIsTheSameNetwork() {
        assertEquals(resnetLike(), LowResolutionPlan.of(resnetLike(), 28, 28, 1).spec());
        assertTrue(LowResolutionPlan.of(resnetLike(), 28, 28, 1).rescaled().isEmpty());
    }

    @Test
    void aFlattenThatWouldSeeOtherSizesIsRefused() {
        SequenceSpec s = SequenceSpec.of(ConvSpec.square(1, 4, 3, 1, 1, true), new ReluSpec(), new FlattenSpec(), new LinearSpec(4 * 28 * 28, 10, true));
        var e = assertThrows(IllegalArgumentException.class, () -> LowResolutionPlan.of(s, 28, 28, 2));
        assertTrue(e.getMessage().contains("'2'") && e.getMessage().contains("flattens 15x15"), e.getMessage());
    }

    @Test
    void kernelRule() {
        assertEquals(3, LowResolutionPlan.lowKernel(5, 2));
        assertEquals(3, LowResolutionPlan.lowKernel(6, 2));
        assertEquals(4, LowResolutionPlan.lowKernel(7, 2));
        assertEquals(2, LowResolutionPlan.lowKernel(3, 2));
        assertEquals(1, LowResolutionPlan.lowKernel(3, 4));
    }

    private static int out(int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1; }
}
