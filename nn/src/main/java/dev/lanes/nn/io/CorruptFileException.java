package dev.lanes.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not a readable Lanes tensor file: too short, wrong magic, unknown version, truncated,
 * failed checksum or malformed entry. The message names the file and the byte offset where reading failed.
 */
public final class CorruptFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long offset;

    public CorruptFileException(Path file, long offset, String what) {
        super(file + ": " + what + " (at byte offset " + offset + ")");
        this.file = file;
        this.offset = offset;
    }

    public Path file() { return file; }

    /** Byte offset in the file where the problem was found. */
    public long offset() { return offset; }
}
