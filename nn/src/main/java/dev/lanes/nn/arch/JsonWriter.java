package dev.lanes.nn.arch;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes {@link JsonValue}s as stable, human-readable text: a value that fits on its line within
 * {@link #WIDTH} columns (indent, field name and a following comma included) is written compactly, anything larger puts one field or item per
 * line, indented by two spaces. The output depends on the value only, so the same value always gives the same text.
 */
final class JsonWriter {
    static final int WIDTH = 132;

    private JsonWriter() {}

    static String write(JsonValue v) {
        StringBuilder sb = new StringBuilder();
        pretty(sb, v, 0, 0);
        return sb.append('\n').toString();
    }

    /** {@code column}: where on its line the value starts. */
    private static void pretty(StringBuilder sb, JsonValue v, int indent, int column) {
        String compact = compact(v);
        if (column + compact.length() + 1 <= WIDTH || !(v instanceof JsonValue.Obj || v instanceof JsonValue.Arr)) {
            sb.append(compact);
            return;
        }
        String inner = " ".repeat(indent + 2);
        if (v instanceof JsonValue.Obj o) {
            sb.append("{\n");
            Iterator<Map.Entry<String, JsonValue>> it = o.fields().entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonValue> e = it.next();
                int lineStart = sb.length();
                sb.append(inner);
                string(sb, e.getKey());
                sb.append(": ");
                pretty(sb, e.getValue(), indent + 2, sb.length() - lineStart);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            sb.append(" ".repeat(indent)).append('}');
        } else {
            JsonValue.Arr a = (JsonValue.Arr) v;
            sb.append("[\n");
            for (int i = 0; i < a.items().size(); i++) {
                sb.append(inner);
                pretty(sb, a.items().get(i), indent + 2, indent + 2);
                sb.append(i + 1 < a.items().size() ? ",\n" : "\n");
            }
            sb.append(" ".repeat(indent)).append(']');
        }
    }

    static String compact(JsonValue v) {
        StringBuilder sb = new StringBuilder();
        compact(sb, v);
        return sb.toString();
    }

    private static void compact(StringBuilder sb, JsonValue v) {
        switch (v) {
            case JsonValue.Obj o -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : o.fields().entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    string(sb, e.getKey());
                    sb.append(':');
                    compact(sb, e.getValue());
                }
                sb.append('}');
            }
            case JsonValue.Arr a -> {
                sb.append('[');
                for (int i = 0; i < a.items().size(); i++) {
                    if (i > 0) sb.append(',');
                    compact(sb, a.items().get(i));
                }
                sb.append(']');
            }
            case JsonValue.Str s -> string(sb, s.value());
            case JsonValue.Num n -> sb.append(n.text());
            case JsonValue.Bool b -> sb.append(b.value());
            case JsonValue.Null n -> sb.append("null");
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    // control characters and lone surrogates as escapes, so the text is valid UTF-16 and prints safely
                    if (c < 0x20 || Character.isSurrogate(c) && !pairedSurrogate(s, i)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    private static boolean pairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
