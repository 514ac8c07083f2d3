package dev.lanes.engine.ternary;

/**
 * Ternary codes 20 to an {@code int} in base 3 (3^20 = 3,486,784,401 &lt; 2^32): 1.6 bits per code, the
 * densest packing in whole words, for where size matters more than random access (files). Two-bit codes can
 * never make a tensor 16× smaller than float32 once a scale is stored beside them (16n / (n + 16s) &lt; 16);
 * these make it up to 20×.
 *
 * <pre>
 * word k, read as unsigned, = Σ_{j &lt; 20} c(20k + j) · 3^j      (element 20k first, in the lowest digit)
 * codes as in {@link TernaryCodes}: 0 → −α, 1 → 0, 2 → +α
 * n codes take words(n) = ⌈n / 20⌉ words; the unused digits of the last word are 0, so it is below 3^used
 * </pre>
 * Conversion is to and from {@link TernaryCodes}' two-bit words, which is what tensors hold in memory.
 */
public final class TernaryBase3 {
    /** Codes per {@code int} word. */
    public static final int PER_WORD = 20;
    private static final long[] POW3 = new long[PER_WORD + 1];

    static {
        POW3[0] = 1;
        for (int j = 1; j <= PER_WORD; j++) POW3[j] = POW3[j - 1] * 3;
    }

    private TernaryBase3() {}

    /** Words needed for {@code n} codes. */
    public static int words(int n) {
        if (n < 0) throw new IllegalArgumentException("code count must be >= 0 but is " + n);
        return (int) (((long) n + PER_WORD - 1) / PER_WORD);
    }

    /** Base-3 words of the first {@code n} codes of two-bit {@code packed} words (which must be valid). */
    public static void fromTwoBit(int[] packed, int n, int[] base3) {
        TernaryChecks.codeRange("base-3 encode", packed, 0, n, TernaryCodes.PER_WORD);
        TernaryChecks.codeRange("base-3 encode", base3, 0, n, PER_WORD);
        for (int k = 0, count = words(n); k < count; k++) {
            int start = k * PER_WORD, used = Math.min(PER_WORD, n - start);
            long w = 0;
            for (int j = used - 1; j >= 0; j--) {
                int c = TernaryCodes.get(packed, start + j);
                if (c > TernaryCodes.PLUS) throw TernaryChecks.badCode(start + j, c);
                w = w * 3 + c;
            }
            base3[k] = (int) w;
        }
    }

    /**
     * The index of the first word that does not hold valid codes (unsigned value ≥ 3^20, or ≥ 3^used for the
     * last, partly used word), or -1 when all {@code words(n)} words are valid.
     */
    public static int firstInvalidWord(int[] base3, int n) {
        TernaryChecks.codeRange("base-3 check", base3, 0, n, PER_WORD);
        for (int k = 0, count = words(n); k < count; k++) {
            if (Integer.toUnsignedLong(base3[k]) >= POW3[Math.min(PER_WORD, n - k * PER_WORD)]) return k;
        }
        return -1;
    }

    /**
     * Two-bit words (as {@link TernaryCodes} lays them out, unused codes 0) from base-3 words holding
     * {@code n} codes; a word that is not valid is refused naming its index, before anything is written.
     */
    public static void toTwoBit(int[] base3, int n, int[] packed) {
        int bad = firstInvalidWord(base3, n);
        if (bad >= 0) {
            throw new IllegalArgumentException("base-3 word " + bad + " holds " + Integer.toUnsignedString(base3[bad])
                    + ", which is not " + Math.min(PER_WORD, n - bad * PER_WORD) + " ternary codes (it must be below 3^"
                    + Math.min(PER_WORD, n - bad * PER_WORD) + ")");
        }
        TernaryChecks.codeRange("base-3 decode", packed, 0, n, TernaryCodes.PER_WORD);
        int out = TernaryCodes.words(n);
        for (int k = 0; k < out; k++) packed[k] = 0;
        for (int k = 0, count = words(n); k < count; k++) {
            int start = k * PER_WORD, used = Math.min(PER_WORD, n - start);
            long w = Integer.toUnsignedLong(base3[k]);
            for (int j = 0; j < used; j++) {
                int i = start + j;
                packed[i >>> 4] |= (int) (w % 3) << ((i & 15) << 1);
                w /= 3;
            }
        }
    }
}
