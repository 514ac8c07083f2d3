package dev.lanes.training.methods;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A method as written on the command line: {@code NAME[:key=value,...]}, e.g.
 * {@code freeze-prefix:layers=4,at=2}. Keys are unique; values may not contain ',' or '='.
 */
public record MethodSpec(String name, Map<String, String> options) {
    public MethodSpec {
        options = Map.copyOf(options);
    }

    public static MethodSpec parse(String text) {
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).strip();
        if (name.isEmpty()) throw new IllegalArgumentException("method '" + text + "' has no name (expected NAME[:key=value,...])");
        Map<String, String> options = new LinkedHashMap<>();
        if (colon >= 0 && colon + 1 < text.length()) {
            for (String kv : text.substring(colon + 1).split(",", -1)) {
                int eq = kv.indexOf('=');
                if (eq <= 0 || eq != kv.lastIndexOf('=')) {
                    throw new IllegalArgumentException("method '" + text + "': option '" + kv + "' is not key=value");
                }
                String key = kv.substring(0, eq).strip();
                if (options.put(key, kv.substring(eq + 1).strip()) != null) {
                    throw new IllegalArgumentException("method '" + text + "': option '" + key + "' given twice");
                }
            }
        }
        return new MethodSpec(name, options);
    }

    /** An integer option in [min, max]; {@code def} when absent, or an error when {@code def} is null. */
    /** The option as a number, or {@code def} when absent; a value that is not a number is refused, naming it. */
    public double doubleOption(String key, double def) {
        String v = options.get(key);
        if (v == null) return def;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("method " + name + ": " + key + " must be a number but is '" + v + "'");
        }
    }

    public int intOption(String key, Integer def, int min, int max) {
        String v = options.get(key);
        if (v == null) {
            if (def == null) throw new IllegalArgumentException("method " + name + " needs option " + key + "=N");
            return def;
        }
        int x;
        try {
            x = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("method " + name + ": " + key + " must be an integer but is '" + v + "'");
        }
        if (x < min || x > max) throw new IllegalArgumentException("method " + name + ": " + key + " must be in [" + min + ", " + max + "] but is " + x);
        return x;
    }

    /** Refuses options other than {@code known}, naming them. */
    public void allowOnly(String... known) {
        for (String k : options.keySet()) {
            if (!java.util.List.of(known).contains(k)) {
                throw new IllegalArgumentException("method " + name + " has no option '" + k + "' (options: " + String.join(", ", known) + ")");
            }
        }
    }

    @Override
    public String toString() {
        if (options.isEmpty()) return name;
        StringBuilder sb = new StringBuilder(name).append(':');
        options.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(sb.charAt(sb.length() - 1) == ':' ? "" : ",").append(e.getKey()).append('=').append(e.getValue()));
        return sb.toString();
    }
}
