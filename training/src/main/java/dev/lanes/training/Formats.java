package dev.lanes.training;

import java.util.Locale;

/** Numbers for people: losses and rates that stay readable from 1e-9 to 1e30. */
public final class Formats {
    private Formats() {}

    /**
     * Four decimals in the usual range, scientific notation outside it ({@code 4.3581e+27} rather than
     * {@code 4358115392784986700000000000.0000}); NaN and infinities as Java spells them.
     */
    public static String compact(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-4)) return String.format(Locale.ROOT, "%.4e", v);
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
