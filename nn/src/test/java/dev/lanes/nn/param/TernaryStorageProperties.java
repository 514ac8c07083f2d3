package dev.lanes.nn.param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Packed ternary parameters: whatever is written (single codes, blocks, scales, copies, projections), the
 * value stays inside {−α, 0, +α} of its channel and equals the codes decoded from scratch; the TWN rule
 * against its definition.
 */
class TernaryStorageProperties {
    private static Tensor gaussian(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) (r.nextGaussian() * 0.3);
        return t;
    }

    /** Element i decoded from scratch: (code − 1) · scale of its channel. */
    private static float expected(TernaryStorage s, int i) {
        return (s.code(i) - 1) * s.scale(s.channelOf(i));
    }

    @Property(tries = 150)
    void aConstrainedValueIsAlwaysInsideItsSet(@ForAll @IntRange(min = 1, max = 6) int out, @ForAll @IntRange(min = 1, max = 40) int in,
                                               @ForAll boolean perChannel, @ForAll @IntRange(min = 1, max = 30) int ops, @ForAll long seed) {
        Parameter p = new Parameter("w", gaussian(seed, out, in));
        TernaryConstraint c = perChannel ? TernaryConstraint.perChannel() : TernaryConstraint.perTensor();
        p.constrain(c);
        assertSame(c.granularity(), p.ternary().granularity());
        SplittableRandom r = new SplittableRandom(seed);
        int n = out * in;
        for (int op = 0; op < ops; op++) {
            TernaryStorage s = p.ternary();
            switch (r.nextInt(5)) {
                case 0 -> s.setCode(r.nextInt(n), r.nextInt(3));
                case 1 -> {
                    int from = r.nextInt(n), len = r.nextInt(n - from + 1);
                    byte[] block = new byte[len + 2];
                    for (int k = 0; k < block.length; k++) block[k] = (byte) r.nextInt(3);
                    s.setCodes(from, block, 2, len);
                }
                case 2 -> s.setScale(r.nextInt(s.scaleCount()), (float) (0.01 + r.nextDouble()));
                case 3 -> s.copyFrom(TernaryStorage.quantize(gaussian(r.nextLong(), out, in), c.granularity()));
                default -> p.constrain(c); // re-projection of ternary values onto the set
            }
            if (r.nextInt(3) > 0) check(p, c); // sometimes several writes before the next read
        }
        check(p, c);
    }

    private static void check(Parameter p, Constraint c) {
        TernaryStorage s = p.ternary();
        assertEquals(-1, c.firstOutside(s), "an element left the set");
        float[] v = p.value().data();
        for (int i = 0; i < s.size(); i++) assertEquals(expected(s, i), v[i], "element " + i + " against a fresh decode");
    }

    @Property(tries = 100)
    void twnRuleMatchesItsDefinition(@ForAll @IntRange(min = 1, max = 5) int out, @ForAll @IntRange(min = 1, max = 50) int in,
                                     @ForAll boolean perChannel, @ForAll long seed) {
        Tensor w = gaussian(seed, out, in);
        Granularity g = perChannel ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
        TernaryStorage s = TernaryStorage.quantize(w, g);
        int groups = perChannel ? out : 1, per = perChannel ? in : out * in;
        for (int k = 0; k < groups; k++) {
            double sum = 0;
            for (int i = k * per; i < (k + 1) * per; i++) sum += Math.abs(w.data()[i]);
            double delta = 0.7f * (sum / per), kept = 0;
            int count = 0;
            for (int i = k * per; i < (k + 1) * per; i++) {
                float x = w.data()[i];
                int code = x > delta ? 2 : x < -delta ? 0 : 1;
                assertEquals(code, s.code(i), "code of element " + i + " = " + x + " with threshold " + delta);
                if (code != 1) {
                    kept += Math.abs(x);
                    count++;
                }
            }
            assertEquals(count == 0 ? 1f : kept / count, s.scale(k), 1e-6, "scale of group " + k);
        }
    }

    @Test
    void twnByHand() {
        // mean|w| = 6.1 / 4 = 1.525, threshold 1.0675: 1 and 0.1 become 0, α = (2 + 3) / 2
        TernaryStorage s = TernaryStorage.quantize(Tensor.of(new float[] {1f, -2f, 0.1f, 3f}, 4), Granularity.PER_TENSOR);
        assertArrayEquals(new float[] {0f, -2.5f, 0f, 2.5f}, s.values().toArray());
        byte[] codes = new byte[4];
        s.codes(0, codes, 0, 4);
        assertArrayEquals(new byte[] {1, 0, 1, 2}, codes);
        // per channel: rows {1, -1} and {0, 0}; an all-zero row keeps the codes 0 and scale 1
        TernaryStorage pc = TernaryStorage.quantize(Tensor.of(new float[] {1f, -1f, 0f, 0f}, 2, 2), Granularity.PER_CHANNEL);
        assertArrayEquals(new float[] {1f, 1f}, pc.scales());
        assertArrayEquals(new float[] {1f, -1f, 0f, 0f}, pc.values().toArray());
    }

    @Test
    void valueIsDecodedOnceAfterAChangeNotOnEveryCall() {
        TernaryStorage s = TernaryStorage.zeros(Granularity.PER_TENSOR, 4, 8);
        Tensor v = s.values();
        assertSame(v, s.values(), "one reusable buffer");
        long version = s.version();
        v.data()[5] = 42f; // a stray write into the view survives reads: nothing is decoded while codes stay put
        s.values();
        assertEquals(42f, v.data()[5]);
        assertEquals(version, s.version());
        s.setCode(20, 2); // only what changed is decoded again
        assertEquals(1f, s.values().data()[20]);
        assertEquals(42f, v.data()[5]);
        assertTrue(s.version() > version);
        s.setScale(0, 0.5f); // a scale change decodes its whole channel
        assertEquals(0f, s.values().data()[5]);
        assertEquals(0.5f, s.values().data()[20]);
    }

    @Test
    void badCodesScalesAndIndicesAreRefusedNamingThem() {
        TernaryStorage s = TernaryStorage.zeros(Granularity.PER_CHANNEL, 3, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> s.setCode(7, 3));
        assertTrue(e.getMessage().contains("code 3 at index 7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.setCodes(10, new byte[] {0, 1, 2, 3, 1}, 0, 5));
        assertTrue(e.getMessage().contains("code 3 at index 13"), e.getMessage());
        assertEquals(1, s.code(10), "a refused block writes nothing");
        e = assertThrows(IllegalArgumentException.class, () -> s.setCode(15, 1));
        assertTrue(e.getMessage().contains("element 15 is outside [0, 15)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.setScale(1, Float.NaN));
        assertTrue(e.getMessage().contains("channel 1 must be finite and > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.setScale(1, -1f));
        assertTrue(e.getMessage().contains("channel 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.scale(3));
        assertTrue(e.getMessage().contains("channel 3 is outside [0, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TernaryStorage.of(new int[] {20}, Granularity.PER_TENSOR,
                new float[] {1f}, new int[] {0, 3 << 6}));
        assertTrue(e.getMessage().contains("code 3 at index 19"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TernaryStorage.of(new int[] {20}, Granularity.PER_TENSOR,
                new float[] {1f}, new int[] {0, 1 << 8}));
        assertTrue(e.getMessage().contains("unused code 20"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TernaryStorage.quantize(Tensor.of(new float[] {1f, Float.NaN}, 2),
                Granularity.PER_TENSOR));
        assertTrue(e.getMessage().contains("element 1 is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TernaryStorage.zeros(Granularity.PER_CHANNEL));
        assertTrue(e.getMessage().contains("rank >= 1"), e.getMessage());
    }

    @Test
    void wordsCopyOutWithoutSharingTheArray() {
        TernaryStorage s = TernaryStorage.ofCodes(new int[] {17}, Granularity.PER_TENSOR, new float[] {1f}, new byte[17]);
        int[] dst = new int[3];
        s.copyWordsTo(dst, 1);
        assertArrayEquals(new int[] {0, 0, 0}, dst, "all codes 0 (-scale): zero bits");
        s.setCode(16, 2);
        s.copyWordsTo(dst, 1);
        assertEquals(2, dst[2]);
        assertEquals(2, s.wordCount());
        assertThrows(IllegalArgumentException.class, () -> s.copyWordsTo(new int[2], 1));
        s.words()[0] = -1;
        assertEquals(0, s.code(0), "words() is a copy");
    }

    @Test
    void copiesAreIndependent() {
        TernaryStorage a = TernaryStorage.quantize(gaussian(3, 4, 4), Granularity.PER_CHANNEL), b = a.copy();
        b.setCode(0, (a.code(0) + 1) % 3);
        b.setScale(0, a.scale(0) * 2);
        assertTrue(a.code(0) != b.code(0) && a.scale(0) != b.scale(0));
        var e = assertThrows(IllegalArgumentException.class, () -> a.copyFrom(TernaryStorage.zeros(Granularity.PER_TENSOR, 4, 4)));
        assertTrue(e.getMessage().contains("per tensor"), e.getMessage());
    }
}
