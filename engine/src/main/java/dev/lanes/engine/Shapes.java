package dev.lanes.engine;

import java.util.Arrays;

/** Shape arithmetic and the argument checks every kernel shares; errors name the shapes involved. */
public final class Shapes {
    private Shapes() {}

    /** Product of the dimensions; throws if it overflows an int. */
    public static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + toString(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** A defensive copy of {@code shape}, rejecting negative dimensions. */
    public static int[] checked(int... shape) {
        if (shape == null) throw new IllegalArgumentException("shape is null");
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + toString(shape));
        }
        int[] s = shape.clone();
        size(s);
        return s;
    }

    public static String toString(int... shape) {
        return Arrays.toString(shape);
    }

    public static void requireSame(String what, int[] a, int[] b) {
        if (!Arrays.equals(a, b)) {
            throw new IllegalArgumentException(what + ": shape " + toString(a) + " does not match " + toString(b));
        }
    }

    /** Each value must be positive; {@code names} label them in the message. */
    public static void requirePositive(String what, int[] values, String... names) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] <= 0) {
                throw new IllegalArgumentException(what + ": " + names[i] + " must be positive but is " + values[i]);
            }
        }
    }

    public static void requireNonNegative(String what, String name, int value) {
        if (value < 0) throw new IllegalArgumentException(what + ": " + name + " must be >= 0 but is " + value);
    }

    /**
     * Whether {@code array} (not null) holds {@code count} values from {@code offset}: the checks of hot kernels
     * test this first and build their message only when it fails, so a passing check allocates nothing.
     */
    public static boolean fits(float[] array, int offset, long count) {
        return array != null && offset >= 0 && offset + count <= array.length;
    }

    public static boolean fits(int[] array, int offset, long count) {
        return array != null && offset >= 0 && offset + count <= array.length;
    }

    /**
     * Checks that {@code array} holds {@code count} floats from {@code offset}; {@code what} names the
     * operand and {@code shape} its logical shape, so the message says which buffer was too short.
     */
    public static void requireRange(String what, float[] array, int offset, long count, String shape) {
        if (array == null) throw new IllegalArgumentException(what + " " + shape + ": buffer is null");
        if (offset < 0 || offset + count > array.length) {
            throw new IllegalArgumentException(what + " " + shape + ": needs " + count + " floats from offset " + offset
                    + " but the buffer has " + array.length);
        }
    }

    public static void requireRange(String what, int[] array, int offset, long count, String shape) {
        if (array == null) throw new IllegalArgumentException(what + " " + shape + ": buffer is null");
        if (offset < 0 || offset + count > array.length) {
            throw new IllegalArgumentException(what + " " + shape + ": needs " + count + " ints from offset " + offset
                    + " but the buffer has " + array.length);
        }
    }
}
