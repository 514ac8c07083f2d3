package dev.lanes.nn.arch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A layer spec as JSON and back: what the model file stores and what a person can read and edit. The top-level
 * object carries {@code "version"}; each spec is an object with a {@code "type"} and that type's fields, all
 * required, none unknown, in a fixed order:
 * <pre>
 * {"type":"conv","in":1,"out":6,"kernel":[5,5],"stride":[1,1],"padding":[2,2],"bias":true,"weight":"float"}
 * (a grouped conv adds "groups":G; absent means 1)
 * {"type":"batch_norm","channels":6,"momentum":0.1,"eps":1.0E-5}
 * {"type":"max_pool","kernel":2,"stride":2,"padding":0}          (avg_pool alike)
 * {"type":"adaptive_avg_pool","output":[1,1]}   {"type":"global_avg_pool"}   {"type":"flatten"}
 * {"type":"linear","in":400,"out":120,"bias":true,"weight":"float"}
 * {"type":"dropout","p":0.5}   {"type":"relu"}   {"type":"identity"}
 * {"type":"sequence","children":[{"name":"0","spec":{...}},...]}
 * {"type":"residual","main":{...},"shortcut":null,"post_relu":true,"bypassed":false}   (null: identity shortcut)
 * </pre>
 * Floats are written as Java's shortest round-tripping decimal, so {@code fromJson(toJson(s)).equals(s)}.
 * Every error is an IllegalArgumentException naming the JSON path and the character offset.
 */
public final class SpecJson {
    public static final int VERSION = 1;

    private SpecJson() {}

    /** The JSON text of {@code spec}, with {@code "version"} first, ending in a newline. */
    public static String toJson(LayerSpec spec) {
        Map<String, JsonValue> top = new LinkedHashMap<>();
        top.put("version", num(VERSION));
        top.putAll(fields(spec));
        return JsonWriter.write(obj(top));
    }

    /** The spec in {@code json}, as written by {@link #toJson}. */
    public static LayerSpec fromJson(String json) {
        JsonValue v = JsonReader.parse(json);
        Fields f = Fields.of(v, "");
        int version = f.integer("version");
        if (version != VERSION)
            throw JsonPath.error("version", "unsupported version " + version + " (this build reads " + VERSION + ")", f.valueOffset("version"));
        return spec(f);
    }

    // ---- writing

    private static Map<String, JsonValue> fields(LayerSpec spec) {
        Map<String, JsonValue> m = new LinkedHashMap<>();
        m.put("type", str(typeName(spec)));
        switch (spec) {
            case ConvSpec c -> {
                m.put("in", num(c.in()));
                m.put("out", num(c.out()));
                m.put("kernel", pair(c.kernelH(), c.kernelW()));
                m.put("stride", pair(c.strideH(), c.strideW()));
                m.put("padding", pair(c.padH(), c.padW()));
                m.put("bias", bool(c.bias()));
                m.put("weight", str(formatName(c.format())));
                if (c.groups() != 1) m.put("groups", num(c.groups())); // absent = 1, so older files read the same
            }
            case BatchNormSpec b -> {
                m.put("channels", num(b.channels()));
                m.put("momentum", num(b.momentum(), "batch norm momentum"));
                m.put("eps", num(b.eps(), "batch norm eps"));
            }
            case MaxPoolSpec p -> pool(m, p.kernel(), p.stride(), p.padding());
            case AvgPoolSpec p -> pool(m, p.kernel(), p.stride(), p.padding());
            case AdaptiveAvgPoolSpec a -> m.put("output", pair(a.outH(), a.outW()));
            case LinearSpec l -> {
                m.put("in", num(l.in()));
                m.put("out", num(l.out()));
                m.put("bias", bool(l.bias()));
                m.put("weight", str(formatName(l.format())));
            }
            case DropoutSpec d -> m.put("p", num(d.p(), "dropout p"));
            case SequenceSpec s -> {
                List<JsonValue> kids = new ArrayList<>();
                for (SequenceSpec.Child c : s.children()) {
                    Map<String, JsonValue> k = new LinkedHashMap<>();
                    k.put("name", str(c.name()));
                    k.put("spec", obj(fields(c.spec())));
                    kids.add(obj(k));
                }
                m.put("children", new JsonValue.Arr(kids, -1));
            }
            case ResidualSpec r -> {
                m.put("main", obj(fields(r.main())));
                m.put("shortcut", r.shortcut() == null ? new JsonValue.Null(-1) : obj(fields(r.shortcut())));
                m.put("post_relu", bool(r.postRelu()));
                m.put("bypassed", bool(r.bypassed()));
            }
            case GlobalAvgPoolSpec g -> {}
            case FlattenSpec f -> {}
            case ReluSpec r -> {}
            case IdentitySpec i -> {}
        }
        return m;
    }

    private static void pool(Map<String, JsonValue> m, int kernel, int stride, int padding) {
        m.put("kernel", num(kernel));
        m.put("stride", num(stride));
        m.put("padding", num(padding));
    }

    /** The {@code "type"} of a spec in JSON. */
    public static String typeName(LayerSpec spec) {
        return switch (spec) {
            case ConvSpec c -> "conv";
            case BatchNormSpec b -> "batch_norm";
            case MaxPoolSpec p -> "max_pool";
            case AvgPoolSpec p -> "avg_pool";
            case AdaptiveAvgPoolSpec a -> "adaptive_avg_pool";
            case GlobalAvgPoolSpec g -> "global_avg_pool";
            case FlattenSpec f -> "flatten";
            case LinearSpec l -> "linear";
            case DropoutSpec d -> "dropout";
            case ReluSpec r -> "relu";
            case IdentitySpec i -> "identity";
            case SequenceSpec s -> "sequence";
            case ResidualSpec r -> "residual";
        };
    }

    private static final List<String> TYPES = List.of("conv", "batch_norm", "max_pool", "avg_pool", "adaptive_avg_pool",
            "global_avg_pool", "flatten", "linear", "dropout", "relu", "identity", "sequence", "residual");

    private static String formatName(WeightFormat f) { return f.name().toLowerCase(Locale.ROOT); }

    private static JsonValue obj(Map<String, JsonValue> m) { return new JsonValue.Obj(m, Map.of(), -1); }

    private static JsonValue str(String s) { return new JsonValue.Str(s, -1); }

    private static JsonValue num(int v) { return new JsonValue.Num(Integer.toString(v), -1); }

    private static JsonValue num(float v, String what) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException(what + " must be finite to be written as JSON but was " + v);
        return new JsonValue.Num(Float.toString(v), -1);
    }

    private static JsonValue bool(boolean b) { return new JsonValue.Bool(b, -1); }

    private static JsonValue pair(int a, int b) { return new JsonValue.Arr(List.of(num(a), num(b)), -1); }

    // ---- reading

    private static LayerSpec spec(JsonValue v, String path) { return spec(Fields.of(v, path)); }

    private static LayerSpec spec(Fields f) {
        String type = f.string("type");
        if (!TYPES.contains(type))
            throw JsonPath.error(f.path("type"), "unknown layer type '" + type + "', expected one of " + TYPES, f.valueOffset("type"));
        try {
            LayerSpec s = switch (type) {
                case "conv" -> {
                    int[] k = f.intPair("kernel"), s1 = f.intPair("stride"), p = f.intPair("padding");
                    yield new ConvSpec(f.integer("in"), f.integer("out"), k[0], k[1], s1[0], s1[1], p[0], p[1],
                            f.bool("bias"), f.format("weight"), f.has("groups") ? f.integer("groups") : 1);
                }
                case "batch_norm" -> new BatchNormSpec(f.integer("channels"), f.floating("momentum"), f.floating("eps"));
                case "max_pool" -> new MaxPoolSpec(f.integer("kernel"), f.integer("stride"), f.integer("padding"));
                case "avg_pool" -> new AvgPoolSpec(f.integer("kernel"), f.integer("stride"), f.integer("padding"));
                case "adaptive_avg_pool" -> {
                    int[] o = f.intPair("output");
                    yield new AdaptiveAvgPoolSpec(o[0], o[1]);
                }
                case "global_avg_pool" -> new GlobalAvgPoolSpec();
                case "flatten" -> new FlattenSpec();
                case "linear" -> new LinearSpec(f.integer("in"), f.integer("out"), f.bool("bias"), f.format("weight"));
                case "dropout" -> new DropoutSpec(f.floating("p"));
                case "relu" -> new ReluSpec();
                case "identity" -> new IdentitySpec();
                case "sequence" -> new SequenceSpec(children(f));
                case "residual" -> {
                    LayerSpec main = spec(f.value("main"), f.path("main"));
                    JsonValue sc = f.value("shortcut");
                    LayerSpec shortcut = sc instanceof JsonValue.Null ? null : spec(sc, f.path("shortcut"));
                    yield new ResidualSpec(main, shortcut, f.bool("post_relu"), f.bool("bypassed"));
                }
                default -> throw new AssertionError(type);
            };
            f.refuseUnread(type);
            return s;
        } catch (IllegalArgumentException e) {
            if (e instanceof JsonPath.Error) throw e;
            // a record refused its values (e.g. a channel count of 0): say where they came from
            throw f.error(e.getMessage());
        }
    }

    private static List<SequenceSpec.Child> children(Fields f) {
        JsonValue v = f.value("children");
        if (!(v instanceof JsonValue.Arr a))
            throw JsonPath.error(f.path("children"), "expected an array of {\"name\", \"spec\"} but found " + JsonValue.kind(v), v.offset());
        List<SequenceSpec.Child> kids = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < a.items().size(); i++) {
            Fields c = Fields.of(a.items().get(i), JsonPath.item(f.path("children"), i));
            String name = c.string("name");
            if (!names.add(name)) throw JsonPath.error(c.path("name"), "duplicate child name '" + name + "'", c.valueOffset("name"));
            LayerSpec spec = spec(c.value("spec"), c.path("spec"));
            c.refuseUnread("sequence child");
            try {
                kids.add(new SequenceSpec.Child(name, spec));
            } catch (IllegalArgumentException e) {
                throw JsonPath.error(c.path("name"), e.getMessage(), c.valueOffset("name"));
            }
        }
        return kids;
    }

    /** The fields of one JSON object being read, with the keys read so far (the others are refused). */
    private static final class Fields {
        private final JsonValue.Obj obj;
        private final String path;
        private final Set<String> read = new HashSet<>();

        private Fields(JsonValue.Obj obj, String path) {
            this.obj = obj;
            this.path = path;
        }

        static Fields of(JsonValue v, String path) {
            if (!(v instanceof JsonValue.Obj o)) throw JsonPath.error(path, "expected an object but found " + JsonValue.kind(v), v.offset());
            return new Fields(o, path);
        }

        String path(String key) { return JsonPath.field(path, key); }

        JsonPath.Error error(String message) { return JsonPath.error(path, message, obj.offset()); }

        int valueOffset(String key) { return obj.fields().get(key).offset(); }

        JsonValue value(String key) {
            JsonValue v = obj.fields().get(key);
            if (v == null) throw error("missing field '" + key + "'");
            read.add(key);
            return v;
        }

        private JsonPath.Error expected(String key, String what, JsonValue v) {
            return JsonPath.error(path(key), "expected " + what + " but found " + JsonValue.kind(v), v.offset());
        }

        boolean has(String key) { return obj.fields().containsKey(key); }

        String string(String key) {
            JsonValue v = value(key);
            if (v instanceof JsonValue.Str s) return s.value();
            throw expected(key, "a string", v);
        }

        boolean bool(String key) {
            JsonValue v = value(key);
            if (v instanceof JsonValue.Bool b) return b.value();
            throw expected(key, "true or false", v);
        }

        int integer(String key) {
            JsonValue v = value(key);
            Integer i = asInt(v);
            if (i == null) throw expected(key, "an int", v);
            return i;
        }

        float floating(String key) {
            JsonValue v = value(key);
            if (v instanceof JsonValue.Num n) {
                float f = Float.parseFloat(n.text()); // straight from the decimal, not through a double
                if (Float.isFinite(f)) return f;
                throw JsonPath.error(path(key), "expected a finite float but " + n.text() + " is out of range", v.offset());
            }
            throw expected(key, "a number", v);
        }

        int[] intPair(String key) {
            JsonValue v = value(key);
            if (v instanceof JsonValue.Arr a && a.items().size() == 2) {
                Integer x = asInt(a.items().get(0)), y = asInt(a.items().get(1));
                if (x != null && y != null) return new int[]{x, y};
            }
            throw JsonPath.error(path(key), "expected an array of 2 ints", v.offset());
        }

        WeightFormat format(String key) {
            String s = string(key);
            for (WeightFormat f : WeightFormat.values()) if (formatName(f).equals(s)) return f;
            List<String> names = new ArrayList<>();
            for (WeightFormat f : WeightFormat.values()) names.add(formatName(f));
            throw JsonPath.error(path(key), "unknown weight format '" + s + "', expected one of " + names, valueOffset(key));
        }

        /** Refuses any field not read: a typo must not silently become a default. */
        void refuseUnread(String what) {
            for (String key : obj.fields().keySet())
                if (!read.contains(key))
                    throw JsonPath.error(path(key), "unknown field for " + what, obj.keyOffsets().get(key));
        }

        private static Integer asInt(JsonValue v) {
            if (!(v instanceof JsonValue.Num n)) return null;
            String t = n.text();
            int digits = t.startsWith("-") ? t.length() - 1 : t.length();
            if (digits > 10 || t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0) return null;
            long l = Long.parseLong(t);
            return l == (int) l ? (int) l : null;
        }
    }
}
