package dev.lanes.nn.arch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259: no comments, no trailing commas, no duplicate keys) into {@link JsonValue}s.
 * Every error is an IllegalArgumentException naming the JSON path being read and the character offset.
 * Nesting is bounded so that hostile input fails with a message, not a StackOverflowError.
 */
final class JsonReader {
    static final int MAX_DEPTH = 200;

    private final String text;
    private int pos;

    private JsonReader(String text) { this.text = text; }

    /** The one value in {@code text}, surrounded by nothing but whitespace. */
    static JsonValue parse(String text) {
        if (text == null) throw new IllegalArgumentException("JSON text is null");
        JsonReader r = new JsonReader(text);
        r.skipWhitespace();
        JsonValue v = r.value("", 0);
        r.skipWhitespace();
        if (r.pos < text.length()) throw JsonPath.error("", "unexpected " + r.describeHere() + " after the value", r.pos);
        return v;
    }

    private JsonValue value(String path, int depth) {
        if (depth > MAX_DEPTH) throw JsonPath.error(path, "nested deeper than " + MAX_DEPTH + " levels", pos);
        if (pos >= text.length()) throw JsonPath.error(path, "expected a value but the text ended", pos);
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(path, depth);
            case '[' -> array(path, depth);
            case '"' -> {
                int at = pos;
                yield new JsonValue.Str(string(path), at);
            }
            case 't' -> literal(path, "true", new JsonValue.Bool(true, pos));
            case 'f' -> literal(path, "false", new JsonValue.Bool(false, pos));
            case 'n' -> literal(path, "null", new JsonValue.Null(pos));
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number(path);
                throw JsonPath.error(path, "expected a value but found " + describeHere(), pos);
            }
        };
    }

    private JsonValue object(String path, int depth) {
        int start = pos++;
        Map<String, JsonValue> fields = new LinkedHashMap<>();
        Map<String, Integer> keyOffsets = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new JsonValue.Obj(fields, keyOffsets, start);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw JsonPath.error(path, "expected a field name in quotes but found " + describeHere(), pos);
            int keyAt = pos;
            String key = string(path);
            String child = JsonPath.field(path, key);
            if (fields.containsKey(key)) throw JsonPath.error(child, "duplicate field", keyAt);
            skipWhitespace();
            expect(child, ':');
            skipWhitespace();
            fields.put(key, value(child, depth + 1));
            keyOffsets.put(key, keyAt);
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') return new JsonValue.Obj(fields, keyOffsets, start);
            if (c != ',') {
                pos--;
                throw JsonPath.error(path, "expected ',' or '}' but found " + describeHere(), pos);
            }
        }
    }

    private JsonValue array(String path, int depth) {
        int start = pos++;
        ArrayList<JsonValue> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new JsonValue.Arr(items, start);
        }
        while (true) {
            skipWhitespace();
            items.add(value(JsonPath.item(path, items.size()), depth + 1));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') return new JsonValue.Arr(items, start);
            if (c != ',') {
                pos--;
                throw JsonPath.error(path, "expected ',' or ']' but found " + describeHere(), pos);
            }
        }
    }

    /** The quoted string starting at pos. */
    private String string(String path) {
        int start = pos;
        pos++; // the opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw JsonPath.error(path, "unterminated string", start);
            char c = text.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c < 0x20) throw JsonPath.error(path, "control character U+" + String.format("%04X", (int) c) + " in a string", pos - 1);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) throw JsonPath.error(path, "unterminated string", start);
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) throw JsonPath.error(path, "expected 4 hex digits after \\u", pos);
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(text.charAt(pos + i), 16);
                        if (d < 0) throw JsonPath.error(path, "expected 4 hex digits after \\u", pos);
                        code = code * 16 + d;
                    }
                    pos += 4;
                    sb.append((char) code);
                }
                default -> throw JsonPath.error(path, "unknown escape '\\" + e + "'", pos - 2);
            }
        }
    }

    private JsonValue number(String path) {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') pos++;
        else if (!digits()) throw JsonPath.error(path, "expected digits in a number", pos);
        if (peek() == '.') {
            pos++;
            if (!digits()) throw JsonPath.error(path, "expected digits after the decimal point", pos);
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!digits()) throw JsonPath.error(path, "expected digits in the exponent", pos);
        }
        return new JsonValue.Num(text.substring(start, pos), start);
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') pos++;
        return pos > start;
    }

    private JsonValue literal(String path, String word, JsonValue v) {
        if (!text.startsWith(word, pos)) throw JsonPath.error(path, "expected a value but found " + describeHere(), pos);
        pos += word.length();
        return v;
    }

    private void expect(String path, char c) {
        if (peek() != c) throw JsonPath.error(path, "expected '" + c + "' but found " + describeHere(), pos);
        pos++;
    }

    /** The character at pos, or NUL at the end (never valid where a structural character is expected). */
    private char peek() { return pos < text.length() ? text.charAt(pos) : '\0'; }

    private String describeHere() {
        if (pos >= text.length()) return "the end of the text";
        char c = text.charAt(pos);
        return c < 0x20 || c > 0x7e ? "U+" + String.format("%04X", (int) c) : "'" + c + "'";
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }
}
