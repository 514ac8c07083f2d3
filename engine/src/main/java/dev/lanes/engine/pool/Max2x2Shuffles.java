package dev.lanes.engine.pool;

/** The lane tables of {@link Max2x2Full} and {@link Max2x2Half} for {@code l} lanes (h = l / 2). */
final class Max2x2Shuffles {
    private Max2x2Shuffles() {}

    /** 0, 2, 4, ...: the even columns of a row, as argmax offsets. */
    static int[] even(int l) { return table(l, k -> 2 * k); }

    /** The even lanes of a vector pair: the first vector's into the low half ... */
    static int[] evenLo(int l) { return table(l, k -> k < l / 2 ? 2 * k : 0); }

    /** ... and the second vector's into the high half. */
    static int[] evenHi(int l) { return table(l, k -> k < l / 2 ? 0 : 2 * (k - l / 2)); }

    static int[] oddLo(int l) { return table(l, k -> k < l / 2 ? 2 * k + 1 : 1); }

    static int[] oddHi(int l) { return table(l, k -> k < l / 2 ? 1 : 2 * (k - l / 2) + 1); }

    static boolean[] highHalf(int l) {
        boolean[] hi = new boolean[l];
        for (int k = l / 2; k < l; k++) hi[k] = true;
        return hi;
    }

    private static int[] table(int l, java.util.function.IntUnaryOperator f) {
        int[] t = new int[l];
        for (int k = 0; k < l; k++) t[k] = f.applyAsInt(k);
        return t;
    }
}
