package dev.lanes.training.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-written parsing of {@code --name value}, {@code --name=value} and {@code --flag} options plus
 * positional arguments, for one subcommand. Every problem is a {@link UsageException} with a one-line
 * message that names the command and the offending argument.
 */
final class Args {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, List<String>> repeated = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private final boolean help;

    /**
     * @param command         e.g. "lanes train", for messages
     * @param valueOptions    option names (without "--") that take a value
     * @param flags           option names that take none
     * @param maxPositionals  how many positional arguments are allowed
     */
    Args(String command, String[] argv, Set<String> valueOptions, Set<String> flags, int maxPositionals) {
        this.command = command;
        boolean h = false;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--help") || a.equals("-h")) {
                h = true;
                continue;
            }
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name)) {
                    if (value != null) throw error("option --" + name + " takes no value");
                    values.put(name, "true");
                } else if (valueOptions.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.length) throw error("option --" + name + " needs a value");
                        String next = argv[i + 1];
                        // "--data --epochs 1": the value was forgotten, not the option --epochs meant as a value
                        if (next.startsWith("--") && next.length() > 2 && !isNumber(next)) {
                            throw error("option --" + name + " needs a value but is followed by the option " + next);
                        }
                        value = argv[++i];
                    }
                    values.put(name, value);
                    repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    throw error("unknown option --" + name);
                }
            } else if (a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
                throw error("unknown option " + a);
            } else {
                if (positionals.size() >= maxPositionals) throw error("unexpected argument '" + a + "'");
                positionals.add(a);
            }
        }
        this.help = h;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    UsageException error(String problem) {
        return new UsageException(command + ": " + problem + " (see " + command + " --help)");
    }

    boolean help() { return help; }

    boolean has(String name) { return values.containsKey(name); }

    boolean flag(String name) { return values.containsKey(name); }

    List<String> positionals() { return positionals; }

    /** Every value of a repeatable option, in command-line order (empty when absent). */
    List<String> all(String name) {
        return List.copyOf(repeated.getOrDefault(name, List.of()));
    }

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /** The value, which must be one of {@code allowed}. */
    String choice(String name, String def, List<String> allowed) {
        String v = string(name, def);
        if (v != null && !allowed.contains(v)) {
            throw error("--" + name + " must be one of " + String.join("|", allowed) + " but is '" + v + "'");
        }
        return v;
    }

    int intValue(String name, int def, int min, int max) {
        String v = values.get(name);
        if (v == null) return def;
        long x;
        try {
            x = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw error("--" + name + " must be an integer but is '" + v + "'"
                    + (v.trim().matches("[+-]?\\d+") ? " (too large for any option)" : ""));
        }
        if (x < min || x > max) throw error("--" + name + " must be in [" + min + ", " + max + "] but is " + v.trim());
        return (int) x;
    }

    long longValue(String name, long def) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw error("--" + name + " must be an integer but is '" + v + "'");
        }
    }

    /** A finite number {@code >= min} ({@code > min} when {@code strict}). */
    double doubleValue(String name, double def, double min, boolean strict) {
        String v = values.get(name);
        if (v == null) return def;
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw error("--" + name + " must be a number but is '" + v + "'");
        }
        if (!Double.isFinite(x) || x < min || (strict && x == min)) {
            throw error("--" + name + " must be a finite number " + (strict ? ">" : ">=") + " " + min + " but is " + v);
        }
        return x;
    }
}
