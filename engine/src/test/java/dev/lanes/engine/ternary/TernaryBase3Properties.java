package dev.lanes.engine.ternary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Base-3 words against their definition (Σ c·3^j) and back to two-bit words, for every length. */
class TernaryBase3Properties {
    private static int[] twoBit(byte[] codes) {
        int[] w = new int[TernaryCodes.words(codes.length)];
        TernaryCodes.pack(codes, 0, w, 0, codes.length);
        return w;
    }

    @Property(tries = 200)
    void roundTripThroughBase3KeepsEveryCode(@ForAll @IntRange(min = 0, max = 2000) int n, @ForAll long seed) {
        byte[] codes = TernaryCodesProperties.randomCodes(seed, n);
        int[] packed = twoBit(codes);
        int[] base3 = new int[TernaryBase3.words(n)];
        TernaryBase3.fromTwoBit(packed, n, base3);
        assertEquals(-1, TernaryBase3.firstInvalidWord(base3, n));
        for (int k = 0; k < base3.length; k++) { // the definition
            long expected = 0;
            for (int j = Math.min(20, n - 20 * k) - 1; j >= 0; j--) expected = expected * 3 + codes[20 * k + j];
            assertEquals(expected, Integer.toUnsignedLong(base3[k]), "word " + k);
        }
        int[] back = new int[TernaryCodes.words(n)];
        java.util.Arrays.fill(back, -1); // toTwoBit must overwrite everything, padding included
        TernaryBase3.toTwoBit(base3, n, back);
        assertArrayEquals(packed, back);
    }

    @Test
    void everyLengthUpToFourWordsRoundTrips() {
        for (int n = 0; n <= 81; n++) {
            byte[] codes = TernaryCodesProperties.randomCodes(7 * n, n);
            int[] base3 = new int[TernaryBase3.words(n)];
            assertEquals((n + 19) / 20, base3.length);
            TernaryBase3.fromTwoBit(twoBit(codes), n, base3);
            int[] back = new int[TernaryCodes.words(n)];
            TernaryBase3.toTwoBit(base3, n, back);
            assertArrayEquals(twoBit(codes), back, "length " + n);
        }
    }

    @Test
    void allPlusFillsTheWordToItsLargestValue() {
        byte[] codes = new byte[20];
        java.util.Arrays.fill(codes, (byte) 2);
        int[] base3 = new int[1];
        TernaryBase3.fromTwoBit(twoBit(codes), 20, base3);
        assertEquals(3_486_784_400L, Integer.toUnsignedLong(base3[0])); // 3^20 - 1
    }

    @Property(tries = 100)
    void wordsOutOfRangeAreRefusedNamingTheWord(@ForAll @IntRange(min = 1, max = 200) int n, @ForAll long seed) {
        int[] base3 = new int[TernaryBase3.words(n)];
        TernaryBase3.fromTwoBit(twoBit(TernaryCodesProperties.randomCodes(seed, n)), n, base3);
        int bad = new SplittableRandom(seed).nextInt(base3.length);
        int used = Math.min(20, n - 20 * bad);
        long limit = 1;
        for (int j = 0; j < used; j++) limit *= 3;
        base3[bad] = (int) (limit + new SplittableRandom(seed + 1).nextLong((1L << 32) - limit)); // in [3^used, 2^32)
        assertEquals(bad, TernaryBase3.firstInvalidWord(base3, n));
        int[] out = new int[TernaryCodes.words(n)];
        var e = assertThrows(IllegalArgumentException.class, () -> TernaryBase3.toTwoBit(base3, n, out));
        assertTrue(e.getMessage().contains("base-3 word " + bad + " holds"), e.getMessage());
        assertArrayEquals(new int[out.length], out, "a refused word writes nothing");
    }

    @Test
    void invalidTwoBitCodeIsRefusedWithItsIndex() {
        int[] packed = {3 << 10}; // code 5 is 3
        var e = assertThrows(IllegalArgumentException.class, () -> TernaryBase3.fromTwoBit(packed, 8, new int[1]));
        assertTrue(e.getMessage().contains("code 3 at index 5"), e.getMessage());
    }
}
