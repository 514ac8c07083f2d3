package dev.lanes.engine.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link GroupedConv} on every dense kernel variant (scalar and Vector API) against the naive grouped
 * definition: forward directly; backward-data and backward-weights through the adjoint identities
 * ⟨conv(x, w), dy⟩ = ⟨x, dx(dy, w)⟩ = ⟨w, dw(x, dy)⟩ checked one basis vector at a time, i.e. every
 * entry of dx and dw against the naive forward's derivative.
 */
class GroupedConvProperties {
    record Case(ConvShape s, int groups, long seed) {}

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(12).map(GroupedConvProperties::caseFrom)
                .filter(c -> c != null);
    }

    private static Case caseFrom(List<Integer> v) {
        int groups = 1 + v.get(0) % 4, cg = 1 + v.get(1) % 3, kg = 1 + v.get(2) % 3;
        boolean depthwise = v.get(11) % 3 == 0;
        if (depthwise) kg = 1 + v.get(2) % 2; // channel multiplier 1 or 2, in channels per group 1
        if (depthwise) cg = 1;
        int h = 1 + v.get(3) % 9, w = 1 + v.get(4) % 9, kh = 1 + v.get(5) % 4, kw = 1 + v.get(6) % 4;
        int ph = v.get(7) % 3, pw = v.get(8) % 2;
        if (h + 2 * ph < kh || w + 2 * pw < kw) return null;
        return new Case(new ConvShape(1 + v.get(9) % 3, cg * groups, h, w, kg * groups, kh, kw, 1 + v.get(10) % 3, 1 + v.get(9) % 2, ph, pw),
                groups, v.get(11));
    }

    @Property(tries = 150)
    void forwardEqualsTheNaiveDefinition(@ForAll("cases") Case c) {
        ConvShape s = c.s();
        Random r = new Random(c.seed());
        float[] x = random(r, s.inputSize()), w = random(r, GroupedConv.weightSize(s, c.groups())), b = random(r, s.outChannels());
        float[] want = new float[s.outputSize()];
        GroupedConv.naiveForward(s, c.groups(), x, w, b, want);
        for (Im2colConv k : ConvVariants.all()) {
            float[] y = new float[s.outputSize() + 3];
            y[s.outputSize() + 2] = 7f;
            GroupedConv.forward(k, s, c.groups(), x, 0, w, 0, b, y, 0);
            for (int i = 0; i < want.length; i++) assertEquals(want[i], y[i], 1e-4f * (1 + Math.abs(want[i])), k + " " + s + " groups " + c.groups() + " at " + i);
            assertEquals(7f, y[s.outputSize() + 2], "wrote past y");
        }
    }

    @Property(tries = 80)
    void backwardIsTheDerivativeOfTheNaiveForward(@ForAll("cases") Case c) {
        ConvShape s = c.s();
        int g = c.groups(), ws = GroupedConv.weightSize(s, g);
        Random r = new Random(c.seed());
        float[] x = random(r, s.inputSize()), w = random(r, ws), dy = random(r, s.outputSize());
        // the naive forward is linear in x and in w, so d<y, dy>/dx_i is <conv(e_i, w), dy> exactly
        float[] wantDx = new float[s.inputSize()], wantDw = new float[ws], y = new float[s.outputSize()];
        for (int i = 0; i < x.length; i++) {
            float[] e = new float[x.length];
            e[i] = 1f;
            GroupedConv.naiveForward(s, g, e, w, null, y);
            wantDx[i] = dot(y, dy);
        }
        for (int i = 0; i < ws; i++) {
            float[] e = new float[ws];
            e[i] = 1f;
            GroupedConv.naiveForward(s, g, x, e, null, y);
            wantDw[i] = dot(y, dy);
        }
        float wantDb0 = 0f;
        int p = s.outHeight() * s.outWidth();
        for (int n = 0; n < s.batch(); n++) for (int i = 0; i < p; i++) wantDb0 += dy[n * s.outChannels() * p + i];
        for (Im2colConv k : ConvVariants.all()) {
            float[] dx = new float[x.length], dw = new float[ws], db = new float[s.outChannels()];
            GroupedConv.backwardData(k, s, g, dy, 0, w, 0, dx, 0);
            GroupedConv.backwardWeights(k, s, g, x, 0, dy, 0, dw, 0, db);
            for (int i = 0; i < dx.length; i++) assertEquals(wantDx[i], dx[i], 1e-3f * (1 + Math.abs(wantDx[i])), k + " dx " + s + " groups " + g);
            for (int i = 0; i < dw.length; i++) assertEquals(wantDw[i], dw[i], 1e-3f * (1 + Math.abs(wantDw[i])), k + " dw " + s + " groups " + g);
            assertEquals(wantDb0, db[0], 1e-3f * (1 + Math.abs(wantDb0)), k + " db " + s);
        }
    }

    @Example
    void groupsThatDoNotDivideTheChannelsAreRefusedNamingTheShape() {
        ConvShape s = ConvShape.of(1, 6, 5, 5, 4, 3, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupedConv.forward(ConvVariants.all().get(0), s, 3, new float[150], 0, new float[24], 0, null, new float[100], 0));
        assertTrue(e.getMessage().contains("groups 3") && e.getMessage().contains("out channels 4") && e.getMessage().contains("[1, 6, 5, 5]"), e.getMessage());
    }

    private static float dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return (float) s;
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
