package dev.lanes.nn.arch;

import java.util.List;
import java.util.Map;

/**
 * A parsed JSON value that remembers where it began (a character offset into the text) so that errors found
 * after parsing, while reading a spec, can still say where. Numbers keep their literal text so ints and floats
 * are converted exactly once, by the reader that knows which one it wants. Writing uses offset -1.
 */
sealed interface JsonValue {
    int offset();

    /** Fields in text order; {@code keyOffsets} says where each key began. */
    record Obj(Map<String, JsonValue> fields, Map<String, Integer> keyOffsets, int offset) implements JsonValue {}

    record Arr(List<JsonValue> items, int offset) implements JsonValue {}

    record Str(String value, int offset) implements JsonValue {}

    record Num(String text, int offset) implements JsonValue {}

    record Bool(boolean value, int offset) implements JsonValue {}

    record Null(int offset) implements JsonValue {}

    /** What a value is, for messages: "an object", "a string", ... */
    static String kind(JsonValue v) {
        return switch (v) {
            case Obj o -> "an object";
            case Arr a -> "an array";
            case Str s -> "a string";
            case Num n -> "a number";
            case Bool b -> "a boolean";
            case Null n -> "null";
        };
    }
}
