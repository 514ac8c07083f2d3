package dev.lanes.nn.zoo;

/** The dash-separated widths of a model name such as {@code mlp-256-128} or {@code cnn-16-32}. */
final class WidthList {
    private WidthList() {}

    /**
     * The numbers after {@code prefix} in the lower-cased, trimmed {@code normalized} name, each in [1, max];
     * a bad one is refused naming {@code label} (e.g. "MLP 'mlp-0'") and the width.
     */
    static int[] parse(String normalized, String prefix, String label, int max) {
        String[] parts = normalized.substring(prefix.length()).split("-");
        int[] widths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long w;
            try {
                w = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                w = -1;
            }
            if (w < 1 || w > max) throw new IllegalArgumentException(label + ": width '" + parts[i] + "' must be in [1, " + max + "]");
            widths[i] = (int) w;
        }
        return widths;
    }
}
