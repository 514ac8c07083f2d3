package dev.lanes.engine.ternary;

/**
 * Ternary codes packed two bits each, 16 to an {@code int}: the in-memory form of a ternary tensor, whose
 * values are the levels {−α, 0, +α} of a float scale α.
 *
 * <pre>
 * code    0 → −α     1 → 0     2 → +α     3 is invalid          value = (code − 1) · α
 * element i: word i / 16, bits 2·(i % 16) and 2·(i % 16) + 1     (element 0 in the lowest two bits)
 * n codes take words(n) = ⌈n / 16⌉ words; the unused codes of the last word are 0 bits
 * </pre>
 * Codes are the indices of the levels in ascending order, so "one notch up" is {@code code + 1}. Every
 * writer refuses a code outside {0, 1, 2} naming its index, before it writes anything; {@link #firstInvalid}
 * finds one in words from elsewhere (a file). The decoders trust their words (the writers keep them valid).
 *
 * <p>Scalar only, because a twin would not pay: decoding runs when codes change, not per kernel call, and
 * storage decodes only what a write changed (one code and the read after it: 10-20 ns); a full decode, after
 * a load or a projection, runs at 0.8-1.5 ns per code (2.2-3.5 ms for vgg11's widest 512×512×3×3 conv; JMH
 * {@code TernaryBench} on the 2-core Xeon, AVX-512). Re-learning every scale on every step would re-decode
 * everything each step, which a twin would speed up; a Vector API path belongs first to the ternary GEMM,
 * which reads codes in its inner loop and needs no decoded floats at all.
 */
public final class TernaryCodes {
    /** Codes per {@code int} word. */
    public static final int PER_WORD = 16;
    /** The code of −α. */
    public static final int MINUS = 0;
    /** The code of 0. */
    public static final int ZERO = 1;
    /** The code of +α. */
    public static final int PLUS = 2;
    /** A word of 16 {@link #ZERO} codes. */
    public static final int ZERO_WORD = 0x5555_5555;

    private TernaryCodes() {}

    /** Words needed for {@code n} codes. */
    public static int words(int n) {
        if (n < 0) throw new IllegalArgumentException("code count must be >= 0 but is " + n);
        return (int) (((long) n + PER_WORD - 1) / PER_WORD);
    }

    /** Code {@code i}. */
    public static int get(int[] words, int i) {
        return (words[i >>> 4] >>> ((i & 15) << 1)) & 3;
    }

    /** Sets code {@code i} to {@code code} (0, 1 or 2). */
    public static void set(int[] words, int i, int code) {
        if (code < 0 || code > PLUS) throw TernaryChecks.badCode(i, code);
        int shift = (i & 15) << 1;
        words[i >>> 4] = (words[i >>> 4] & ~(3 << shift)) | (code << shift);
    }

    /** Writes {@code codes[codesOff, codesOff + n)} into codes [from, from + n); nothing is written if one is invalid. */
    public static void pack(byte[] codes, int codesOff, int[] words, int from, int n) {
        TernaryChecks.byteRange("ternary pack", codes, codesOff, n);
        TernaryChecks.codeRange("ternary pack", words, from, n, PER_WORD);
        for (int k = 0; k < n; k++) {
            int c = codes[codesOff + k];
            if (c < 0 || c > PLUS) throw TernaryChecks.badCode(from + k, c);
        }
        int i = from, end = from + n, k = codesOff;
        for (; i < end && (i & 15) != 0; i++) set(words, i, codes[k++]);
        for (; i + PER_WORD <= end; i += PER_WORD) { // whole words: assemble, then one store
            int w = 0;
            for (int j = 0; j < PER_WORD; j++) w |= codes[k++] << (j << 1);
            words[i >>> 4] = w;
        }
        for (; i < end; i++) set(words, i, codes[k++]);
    }

    /** Reads codes [from, from + n) into {@code codes[codesOff, codesOff + n)}. */
    public static void unpack(int[] words, int from, byte[] codes, int codesOff, int n) {
        TernaryChecks.codeRange("ternary unpack", words, from, n, PER_WORD);
        TernaryChecks.byteRange("ternary unpack", codes, codesOff, n);
        for (int k = 0; k < n; k++) codes[codesOff + k] = (byte) get(words, from + k);
    }

    /** Sets codes [from, from + n) to {@code code}. */
    public static void fill(int[] words, int from, int n, int code) {
        TernaryChecks.codeRange("ternary fill", words, from, n, PER_WORD);
        if (code < 0 || code > PLUS) throw TernaryChecks.badCode(from, code);
        for (int i = from; i < from + n; i++) set(words, i, code);
    }

    /**
     * The first index whose code is invalid: a code 3 among the {@code n} codes, or a non-zero unused code in
     * the last word (index ≥ n); -1 when every word is valid.
     */
    public static int firstInvalid(int[] words, int n) {
        TernaryChecks.codeRange("ternary check", words, 0, n, PER_WORD);
        int count = words(n);
        for (int k = 0; k < count; k++) {
            int w = words[k];
            // a code is 3 exactly where both its bits are set
            int threes = w & (w >>> 1) & ZERO_WORD;
            int used = Math.min(PER_WORD, n - k * PER_WORD);
            int unusedBits = used == PER_WORD ? 0 : -1 << (used << 1);
            if (threes != 0 || (w & unusedBits) != 0) {
                int badThree = threes == 0 ? PER_WORD : Integer.numberOfTrailingZeros(threes) >>> 1;
                int badPad = (w & unusedBits) == 0 ? PER_WORD : Integer.numberOfTrailingZeros(w & unusedBits) >>> 1;
                return k * PER_WORD + Math.min(badThree, badPad);
            }
        }
        return -1;
    }

    /** {@code out[outOff + i - from] = (code(i) − 1) · scale} for i in [from, to). */
    public static void decode(int[] words, int from, int to, float scale, float[] out, int outOff) {
        TernaryChecks.codeRange("ternary decode", words, from, to - from, PER_WORD);
        TernaryChecks.floatRange("ternary decode", out, outOff, to - from);
        decodeRange(words, from, to, scale, out, outOff - from);
    }

    /**
     * Per-channel decode: code i has the scale {@code scales[i / perScale]}; {@code out[outOff + i - from]} for
     * i in [from, to). A per-tensor tensor is one channel ({@code perScale ≥ to}).
     */
    public static void decode(int[] words, int from, int to, float[] scales, int perScale, float[] out, int outOff) {
        TernaryChecks.codeRange("ternary decode", words, from, to - from, PER_WORD);
        TernaryChecks.floatRange("ternary decode", out, outOff, to - from);
        if (perScale <= 0 && to > from) throw new IllegalArgumentException("ternary decode: codes per scale must be > 0 but is " + perScale);
        if (to > from && (scales == null || (to - 1) / perScale >= scales.length)) {
            throw new IllegalArgumentException("ternary decode: codes up to " + to + " at " + perScale + " per scale need "
                    + ((to - 1) / perScale + 1) + " scales but there are " + (scales == null ? 0 : scales.length));
        }
        for (int i = from; i < to; ) {
            int channel = i / perScale, end = (int) Math.min(to, (long) (channel + 1) * perScale);
            decodeRange(words, i, end, scales[channel], out, outOff - from);
            i = end;
        }
    }

    /** out[shift + i] for i in [from, to), one word at a time in the aligned middle. */
    private static void decodeRange(int[] words, int from, int to, float scale, float[] out, int shift) {
        int i = from;
        for (; i < to && (i & 15) != 0; i++) out[shift + i] = (get(words, i) - 1) * scale;
        for (; i + PER_WORD <= to; i += PER_WORD) {
            int w = words[i >>> 4], o = shift + i;
            for (int j = 0; j < PER_WORD; j++, w >>>= 2) out[o + j] = ((w & 3) - 1) * scale;
        }
        for (; i < to; i++) out[shift + i] = (get(words, i) - 1) * scale;
    }
}
