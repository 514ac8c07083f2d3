package dev.lanes.engine.ternary;

/** Argument checks shared by the ternary packings; a passing check builds no message. */
final class TernaryChecks {
    private TernaryChecks() {}

    /** {@code words} holds the words of codes [from, from + count) at {@code perWord} codes per word. */
    static void codeRange(String op, int[] words, long from, long count, int perWord) {
        if (from < 0 || count < 0) {
            throw new IllegalArgumentException(op + ": code range from " + from + " of " + count + " codes is negative");
        }
        long need = (from + count + perWord - 1) / perWord;
        if (words == null || need > words.length) {
            throw new IllegalArgumentException(op + ": codes [" + from + ", " + (from + count) + ") need " + need
                    + " words of " + perWord + " codes but the buffer " + (words == null ? "is null" : "has " + words.length));
        }
    }

    static void byteRange(String op, byte[] codes, int off, int count) {
        if (codes == null || off < 0 || (long) off + count > codes.length) {
            throw new IllegalArgumentException(op + ": needs " + count + " codes from offset " + off + " but the code array "
                    + (codes == null ? "is null" : "has " + codes.length));
        }
    }

    static void floatRange(String op, float[] out, int off, long count) {
        if (out == null || off < 0 || off + count > out.length) {
            throw new IllegalArgumentException(op + ": needs " + count + " floats from offset " + off + " but the buffer "
                    + (out == null ? "is null" : "has " + out.length));
        }
    }

    /** A code outside {0, 1, 2}, named by its element index. */
    static IllegalArgumentException badCode(int index, int code) {
        return new IllegalArgumentException("code " + code + " at index " + index
                + " is not a ternary code (0 = -scale, 1 = 0, 2 = +scale)");
    }
}
