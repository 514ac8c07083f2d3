package dev.lanes.nn.arch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict parser of model specs, offered for other JSON Lanes itself wrote (experiment results, metrics):
 * a value becomes plain Java values, an object a {@code Map<String, Object>} in text order, an array a
 * {@code List<Object>}, a number a {@code Double}, a string, a {@code Boolean} or {@code null}. Errors are
 * IllegalArgumentExceptions naming the JSON path and the character offset.
 */
public final class JsonText {
    private JsonText() {}

    public static Object parse(String text) { return plain(JsonReader.parse(text)); }

    private static Object plain(JsonValue v) {
        return switch (v) {
            case JsonValue.Obj o -> {
                Map<String, Object> m = new LinkedHashMap<>();
                o.fields().forEach((k, x) -> m.put(k, plain(x)));
                yield Collections.unmodifiableMap(m);
            }
            case JsonValue.Arr a -> {
                List<Object> l = new ArrayList<>();
                for (JsonValue x : a.items()) l.add(plain(x));
                yield Collections.unmodifiableList(l);
            }
            case JsonValue.Str s -> s.value();
            case JsonValue.Num n -> Double.parseDouble(n.text());
            case JsonValue.Bool b -> b.value();
            case JsonValue.Null n -> null;
        };
    }
}
