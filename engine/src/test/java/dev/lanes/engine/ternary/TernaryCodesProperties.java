package dev.lanes.engine.ternary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The two-bit packing against a plain definition: element i is bits 2(i%16) of word i/16, value (code-1)·α.
 * Lengths cover 0, every tail of a word, and long random runs; offsets start anywhere inside a word.
 */
class TernaryCodesProperties {
    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 70)),
                Tuple.of(2, Arbitraries.of(15, 16, 17, 31, 32, 33, 47, 48, 49, 255, 256, 257)),
                Tuple.of(1, Arbitraries.integers().between(1000, 5000)));
    }

    static byte[] randomCodes(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] c = new byte[n];
        for (int i = 0; i < n; i++) c[i] = (byte) r.nextInt(3);
        return c;
    }

    /** The definition, one code at a time, for comparison with the word-at-a-time paths. */
    static int referenceCode(int[] words, int i) {
        return (words[i / 16] >> (2 * (i % 16))) & 3;
    }

    @Property(tries = 200)
    void packThenUnpackGivesTheCodesBack(@ForAll("lengths") int n, @ForAll @IntRange(min = 0, max = 40) int from,
                                         @ForAll long seed) {
        byte[] codes = randomCodes(seed, n);
        int[] words = new int[TernaryCodes.words(from + n)];
        java.util.Arrays.fill(words, TernaryCodes.ZERO_WORD);
        TernaryCodes.pack(codes, 0, words, from, n);
        byte[] back = new byte[n];
        TernaryCodes.unpack(words, from, back, 0, n);
        assertArrayEquals(codes, back);
        for (int i = 0; i < n; i++) assertEquals(codes[i], referenceCode(words, from + i), "code " + (from + i));
        for (int i = 0; i < from; i++) assertEquals(TernaryCodes.ZERO, referenceCode(words, i), "code before the range");
        for (int i = from + n; i < words.length * 16; i++) assertEquals(TernaryCodes.ZERO, referenceCode(words, i), "code after the range");
    }

    @Property(tries = 100)
    void freshlyPackedWordsAreValidWithZeroPadding(@ForAll("lengths") int n, @ForAll long seed) {
        int[] words = new int[TernaryCodes.words(n)];
        TernaryCodes.pack(randomCodes(seed, n), 0, words, 0, n);
        assertEquals(-1, TernaryCodes.firstInvalid(words, n));
        if (n % 16 != 0) assertEquals(0, words[words.length - 1] >>> (2 * (n % 16)), "unused codes are 0 bits");
    }

    @Property(tries = 100)
    void setAndGetAgreeWithTheDefinition(@ForAll("lengths") int n, @ForAll long seed) {
        if (n == 0) return;
        byte[] codes = randomCodes(seed, n);
        int[] words = new int[TernaryCodes.words(n)];
        for (int i = 0; i < n; i++) TernaryCodes.set(words, i, codes[i]);
        for (int i = 0; i < n; i++) {
            assertEquals(codes[i], TernaryCodes.get(words, i));
            assertEquals(codes[i], referenceCode(words, i));
        }
        SplittableRandom r = new SplittableRandom(seed);
        int at = r.nextInt(n), code = r.nextInt(3);
        TernaryCodes.set(words, at, code);
        codes[at] = (byte) code;
        for (int i = 0; i < n; i++) assertEquals(codes[i], TernaryCodes.get(words, i), "only code " + at + " changed");
    }

    @Property(tries = 100)
    void invalidCodeIsRefusedWithItsIndexAndNothingIsWritten(@ForAll @IntRange(min = 1, max = 300) int n,
                                                             @ForAll @IntRange(min = 0, max = 20) int from, @ForAll long seed) {
        byte[] codes = randomCodes(seed, n);
        int bad = new SplittableRandom(seed + 1).nextInt(n);
        codes[bad] = (byte) (seed % 2 == 0 ? 3 : -1);
        int[] words = new int[TernaryCodes.words(from + n)];
        int[] before = words.clone();
        var e = assertThrows(IllegalArgumentException.class, () -> TernaryCodes.pack(codes, 0, words, from, n));
        assertTrue(e.getMessage().contains("at index " + (from + bad)), e.getMessage());
        assertArrayEquals(before, words, "a refused pack writes nothing");
        var e2 = assertThrows(IllegalArgumentException.class, () -> TernaryCodes.set(words, from + bad, 3));
        assertTrue(e2.getMessage().contains("code 3 at index " + (from + bad)), e2.getMessage());
    }

    @Property(tries = 100)
    void firstInvalidFindsACodeThreeOrADirtyPadding(@ForAll @IntRange(min = 1, max = 300) int n, @ForAll long seed) {
        int[] words = new int[TernaryCodes.words(n)];
        TernaryCodes.pack(randomCodes(seed, n), 0, words, 0, n);
        int bad = new SplittableRandom(seed).nextInt(n);
        int[] three = words.clone();
        three[bad / 16] |= 3 << (2 * (bad % 16));
        assertEquals(bad, TernaryCodes.firstInvalid(three, n));
        if (n % 16 != 0) {
            int[] dirty = words.clone();
            dirty[dirty.length - 1] |= 1 << 30; // the last code of the last word, which is unused
            assertEquals(dirty.length * 16 - 1, TernaryCodes.firstInvalid(dirty, n));
        }
    }

    @Property(tries = 200)
    void decodeEqualsTheDefinitionPerTensorAndPerChannel(@ForAll @IntRange(min = 1, max = 9) int channels,
                                                         @ForAll @IntRange(min = 0, max = 70) int perChannel,
                                                         @ForAll @IntRange(min = 0, max = 3) int outOff, @ForAll long seed) {
        int n = channels * perChannel;
        SplittableRandom r = new SplittableRandom(seed);
        int[] words = new int[TernaryCodes.words(n)];
        TernaryCodes.pack(randomCodes(seed, n), 0, words, 0, n);
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) scales[c] = (float) (0.01 + r.nextDouble() * 3);
        int from = n == 0 ? 0 : r.nextInt(n + 1), to = from + (n == from ? 0 : r.nextInt(n - from + 1));

        float[] perTensor = new float[outOff + to - from], perCh = new float[outOff + to - from];
        TernaryCodes.decode(words, from, to, scales[0], perTensor, outOff);
        TernaryCodes.decode(words, from, to, scales, Math.max(perChannel, 1), perCh, outOff);
        for (int i = from; i < to; i++) {
            int code = referenceCode(words, i);
            float level = code == 0 ? -1f : code == 1 ? 0f : 1f;
            assertEquals(level * scales[0], perTensor[outOff + i - from], "per tensor, element " + i);
            assertEquals(level * scales[i / perChannel], perCh[outOff + i - from], "per channel, element " + i);
        }
        for (int i = 0; i < outOff; i++) assertEquals(0f, perCh[i], "nothing before outOff");
    }

    @Test
    void codesAreTheLevelsInAscendingOrder() {
        int[] words = new int[1];
        TernaryCodes.pack(new byte[] {0, 1, 2}, 0, words, 0, 3);
        float[] out = new float[3];
        TernaryCodes.decode(words, 0, 3, 0.5f, out, 0);
        assertArrayEquals(new float[] {-0.5f, 0f, 0.5f}, out);
        assertEquals(0b10_01_00, words[0]);
        assertEquals(0x5555_5555, TernaryCodes.ZERO_WORD);
    }

    @Test
    void everyLengthUpToThreeWordsRoundTrips() {
        for (int n = 0; n <= 49; n++) {
            byte[] codes = randomCodes(n, n);
            int[] words = new int[TernaryCodes.words(n)];
            assertEquals((n + 15) / 16, words.length);
            TernaryCodes.pack(codes, 0, words, 0, n);
            byte[] back = new byte[n];
            TernaryCodes.unpack(words, 0, back, 0, n);
            assertArrayEquals(codes, back, "length " + n);
        }
    }

    @Test
    void shortBuffersAreRefusedNamingTheSizes() {
        var e = assertThrows(IllegalArgumentException.class, () -> TernaryCodes.pack(new byte[17], 0, new int[1], 0, 17));
        assertTrue(e.getMessage().contains("need 2 words") && e.getMessage().contains("has 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TernaryCodes.decode(new int[1], 0, 16, 1f, new float[15], 0));
        assertTrue(e.getMessage().contains("needs 16 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TernaryCodes.decode(new int[2], 0, 20, new float[1], 10, new float[20], 0));
        assertTrue(e.getMessage().contains("need 2 scales"), e.getMessage());
    }
}
