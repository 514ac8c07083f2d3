package dev.lanes.nn.arch;

/** Paths such as {@code children[3].spec.kernel} for JSON error messages; the empty path is the top level. */
final class JsonPath {
    private JsonPath() {}

    static String field(String path, String key) { return path.isEmpty() ? key : path + "." + key; }

    static String item(String path, int index) { return path + "[" + index + "]"; }

    /** "PATH: MESSAGE at offset N". */
    static Error error(String path, String message, int offset) {
        return new Error((path.isEmpty() ? "top level" : path) + ": " + message + " at offset " + offset);
    }

    /** An error that already names its path and offset, so enclosing readers pass it through unchanged. */
    static final class Error extends IllegalArgumentException {
        Error(String message) { super(message); }
    }
}
