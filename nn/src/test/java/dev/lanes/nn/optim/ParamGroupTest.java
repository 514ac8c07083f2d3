package dev.lanes.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parameter groups: their own weight decay and learning-rate scale, by hand-computed single steps and by the reference. */
class ParamGroupTest {
    /** conv weight [2, 1, 1, 2], its bias [2], BN gamma [2], linear weight [1, 2]; all values 2, gradients 0.5. */
    private static Map<String, Parameter> model() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("0.weight", new Parameter("weight", 2, 1, 1, 2));
        m.put("0.bias", new Parameter("bias", 2));
        m.put("1.gamma", new Parameter("gamma", 2));
        m.put("4.weight", new Parameter("weight", 1, 2));
        for (Parameter p : m.values()) {
            p.value().fill(2f);
            p.grad().fill(0.5f);
        }
        return m;
    }

    @Test
    void sgdWithoutDecayOnBiasesAndNorms() {
        Map<String, Parameter> m = model();
        Sgd sgd = new Sgd(m, 0.1f, 0f, 0.1f, false);
        sgd.setGroups(ParamGroup.biasesAndNorms().withWeightDecay(0f));
        sgd.step();
        // decayed: w - lr (g + wd w) = 2 - 0.1 (0.5 + 0.2) = 1.93; exempt: 2 - 0.1 * 0.5 = 1.95
        assertEquals(1.93f, m.get("0.weight").value().get(0, 0, 0, 1), 1e-6f);
        assertEquals(1.95f, m.get("0.bias").value().get(1), 1e-6f);
        assertEquals(1.95f, m.get("1.gamma").value().get(0), 1e-6f);
        assertEquals(1.93f, m.get("4.weight").value().get(0, 0), 1e-6f);
        assertEquals("biases-and-norms", sgd.groupOf("1.gamma").label());
        assertNull(sgd.groupOf("4.weight"));
    }

    @Test
    void learningRateScaleFollowsTheSchedule() {
        Map<String, Parameter> m = model();
        Sgd sgd = new Sgd(m, 0.1f);
        sgd.setGroups(ParamGroup.paths("head", Set.of("4.weight")).withLrScale(0.5f));
        sgd.setLearningRate(0.4f); // as a schedule would
        sgd.step();
        assertEquals(2f - 0.4f * 0.5f, m.get("0.weight").value().get(0, 0, 0, 0), 1e-6f);
        assertEquals(2f - 0.2f * 0.5f, m.get("4.weight").value().get(0, 1), 1e-6f);
    }

    @Test
    void adamWGroupDecaysWithTheGroupsRate() {
        Map<String, Parameter> m = model();
        for (Parameter p : m.values()) p.grad().fill(0f);
        AdamW adamW = new AdamW(m, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
        adamW.setGroups(ParamGroup.paths("slow", Set.of("0.weight")).withLrScale(0.1f).withWeightDecay(0.2f));
        adamW.step();
        // zero gradient: only the decoupled decay w *= 1 - lr wd acts
        assertEquals(2f * (1 - 0.01f * 0.2f), m.get("0.weight").value().get(1, 0, 0, 0), 1e-6f);
        assertEquals(2f * (1 - 0.1f * 0.5f), m.get("4.weight").value().get(0, 0), 1e-6f);
    }

    @Test
    void adamInAGroupMatchesTheReferenceWithTheGroupsSettings() {
        Parameter a = new Parameter("a", 37), b = new Parameter("b", 37);
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        double[] refA = new double[37], refB = new double[37], mA = new double[37], vA = new double[37], mB = new double[37], vB = new double[37];
        for (int i = 0; i < 37; i++) {
            refA[i] = a.value().data()[i] = (float) r.nextGaussian();
            refB[i] = b.value().data()[i] = (float) r.nextGaussian();
        }
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        Adam adam = new Adam(m, 0.01f, 0.9f, 0.999f, 1e-8f, 0.05f);
        adam.setGroups(ParamGroup.where("b only", (path, p) -> path.equals("b")).withLrScale(3f).withWeightDecay(0f));
        for (int t = 1; t <= 5; t++) {
            double[] ga = new double[37], gb = new double[37];
            for (int i = 0; i < 37; i++) {
                ga[i] = a.grad().data()[i] = (float) r.nextGaussian();
                gb[i] = b.grad().data()[i] = (float) r.nextGaussian();
            }
            adam.step();
            Reference.adam(refA, ga, mA, vA, t, 0.01, 0.9, 0.999, 1e-8, 0.05, false);
            Reference.adam(refB, gb, mB, vB, t, 0.03, 0.9, 0.999, 1e-8, 0, false);
            for (int i = 0; i < 37; i++) {
                assertEquals(refA[i], a.value().data()[i], 1e-5 + 1e-4 * Math.abs(refA[i]), "a[" + i + "] step " + t);
                assertEquals(refB[i], b.value().data()[i], 1e-5 + 1e-4 * Math.abs(refB[i]), "b[" + i + "] step " + t);
            }
        }
    }

    @Test
    void firstMatchingGroupWinsAndGroupsSurviveRebind() {
        Map<String, Parameter> m = model();
        Sgd sgd = new Sgd(m, 0.1f, 0f, 0.1f, false);
        ParamGroup head = ParamGroup.paths("head", Set.of("0.bias")).withLrScale(2f), norms = ParamGroup.biasesAndNorms().withWeightDecay(0f);
        sgd.setGroups(head, norms);
        assertSame(head, sgd.groupOf("0.bias"));
        assertSame(norms, sgd.groupOf("1.gamma"));
        Map<String, Parameter> edited = new LinkedHashMap<>(m);
        edited.put("2.beta", new Parameter("beta", 2));
        sgd.rebind(edited);
        assertSame(norms, sgd.groupOf("2.beta"), "groups are re-evaluated over the new parameters");
        assertEquals(2, sgd.groups().size());
    }

    @Test
    void badGroupsAreRefused() {
        Sgd sgd = new Sgd(model(), 0.1f);
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.setGroups(ParamGroup.paths("typo", Set.of("4.wieght"))));
        assertTrue(e.getMessage().contains("\"4.wieght\"") && e.getMessage().contains("4.weight"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParamGroup.biasesAndNorms().withWeightDecay(-1f));
        assertThrows(IllegalArgumentException.class, () -> ParamGroup.biasesAndNorms().withLrScale(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> ParamGroup.where("", (p, q) -> true));
    }
}
