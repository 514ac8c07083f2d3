package dev.lanes.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.nn.Parameter;
import dev.lanes.nn.param.TernaryConstraint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Gradient-norm clipping by hand and against PyTorch's clip_grad_norm_ computed the way PyTorch does. */
class GradClipTest {
    private static Parameter withGrad(String name, float... g) {
        Parameter p = new Parameter(name, g.length);
        System.arraycopy(g, 0, p.grad().data(), 0, g.length);
        return p;
    }

    @Test
    void byHand() {
        // norm sqrt(3² + 4² + 12²) = 13; max 6.5: every gradient times 6.5 / (13 + 1e-6)
        Parameter a = withGrad("a", 3f, 4f), b = withGrad("b", 12f);
        assertEquals(13f, GradClip.clipNorm(List.of(a, b), 6.5f));
        float c = (float) (6.5 / (13 + 1e-6));
        assertArrayEquals(new float[] {3 * c, 4 * c}, a.grad().toArray(), 1e-7f);
        assertArrayEquals(new float[] {12 * c}, b.grad().toArray(), 1e-7f);
        assertEquals(6.5f, GradClip.norm(List.of(a, b)), 1e-5f);
        // below the limit nothing changes
        Parameter d = withGrad("d", 0.6f, 0.8f);
        assertEquals(1f, GradClip.clipNorm(List.of(d), 2f), 1e-7f);
        assertArrayEquals(new float[] {0.6f, 0.8f}, d.grad().toArray());
    }

    @Test
    void frozenParametersAreLeftOutAndPackedOnesCount() {
        Parameter live = withGrad("live", 3f), frozen = withGrad("frozen", 100f), packed = withGrad("packed", 4f);
        frozen.setTrainable(false);
        packed.constrain(TernaryConstraint.perTensor());
        assertEquals(5f, GradClip.clipNorm(List.of(live, frozen, packed), 1f));
        assertEquals(100f, frozen.grad().get(0), "a frozen gradient is not touched");
        assertEquals(0.8f, packed.grad().get(0), 1e-6f);
    }

    @Property(tries = 60)
    void matchesPyTorchsClipGradNorm(@ForAll @IntRange(min = 1, max = 5) int count, @ForAll @IntRange(min = 1, max = 3000) int size,
                                     @ForAll @FloatRange(min = 0.01f, max = 50f) float maxNorm, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Parameter> params = new java.util.ArrayList<>();
        for (int k = 0; k < count; k++) {
            Parameter p = new Parameter("p" + k, 1 + r.nextInt(size));
            for (int i = 0; i < p.size(); i++) p.grad().data()[i] = (float) (r.nextGaussian() * 0.1);
            params.add(p);
        }
        float[][] expected = new float[count][];
        float expectedNorm = pyTorchClip(params, maxNorm, expected);
        float norm = GradClip.clipNorm(params, maxNorm);
        assertEquals(expectedNorm, norm, 1e-5 * expectedNorm);
        for (int k = 0; k < count; k++) {
            float[] g = params.get(k).grad().toArray();
            for (int i = 0; i < g.length; i++) assertEquals(expected[k][i], g[i], 1e-6f * Math.max(1f, Math.abs(expected[k][i])), "p" + k + "[" + i + "]");
        }
    }

    /**
     * torch/nn/utils/clip_grad.py (1.13), norm_type 2: total = ‖stack(‖g‖ for each g)‖ in float32;
     * coef = max_norm / (total + 1e-6); every g *= clamp(coef, max = 1). Fills {@code out}, returns total.
     */
    private static float pyTorchClip(List<Parameter> params, float maxNorm, float[][] out) {
        float[] norms = new float[params.size()];
        for (int k = 0; k < params.size(); k++) {
            double s = 0;
            for (float g : params.get(k).grad().toArray()) s += (double) g * g;
            norms[k] = (float) Math.sqrt(s);
        }
        double s = 0;
        for (float n : norms) s += (double) n * n;
        float total = (float) Math.sqrt(s);
        float coef = Math.min(maxNorm / (total + 1e-6f), 1f);
        for (int k = 0; k < params.size(); k++) {
            float[] g = params.get(k).grad().toArray();
            for (int i = 0; i < g.length; i++) g[i] *= coef;
            out[k] = g;
        }
        return total;
    }

    @Test
    void theSameGradientsGiveTheSameBits() {
        float[] first = null;
        for (int run = 0; run < 2; run++) {
            SplittableRandom r = new SplittableRandom(9);
            Parameter p = new Parameter("p", 100_003), q = new Parameter("q", 17);
            for (Parameter x : List.of(p, q)) for (int i = 0; i < x.size(); i++) x.grad().data()[i] = (float) r.nextGaussian();
            float norm = GradClip.clipNorm(List.of(p, q), 3f);
            float[] bits = {norm, p.grad().get(100_000), q.grad().get(16)};
            if (first == null) first = bits;
            else assertArrayEquals(first, bits);
        }
    }

    @Test
    void hugeButFiniteGradientsDoNotOverflowTheNorm() {
        Parameter p = withGrad("p", 3e30f, 4e30f);
        assertEquals(5e30f, GradClip.clipNorm(List.of(p), 1f), 1e24f);
        assertEquals(0.6f, p.grad().get(0), 1e-6f);
    }

    @Test
    void nonFiniteGradientsAndBadLimitsAreRefused() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("0.weight", withGrad("weight", 1f, 2f));
        m.put("3.bias", withGrad("bias", 1f, Float.NaN));
        var e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipNorm(m, 1f));
        assertTrue(e.getMessage().contains("\"3.bias\"") && e.getMessage().contains("NaN at element 1"), e.getMessage());
        assertEquals(1f, m.get("0.weight").grad().get(0), "nothing was scaled");
        e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipNorm(List.of(withGrad("w", Float.POSITIVE_INFINITY)), 1f));
        assertTrue(e.getMessage().contains("parameter 0 (w)") && e.getMessage().contains("Infinity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipNorm(List.of(withGrad("w", 1f)), Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipNorm(List.of(withGrad("w", 1f)), -1f));
        Parameter w = withGrad("w", 3f, 4f);
        assertEquals(5f, GradClip.clipNorm(List.of(w), Float.POSITIVE_INFINITY));
        assertEquals(3f, w.grad().get(0), "an infinite limit never clips");
    }
}
