package dev.lanes.training.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that is not what it claims to be: wrong magic number, truncated, inconsistent counts, bad
 * record size or label. The message names the file and the byte offset where the problem was found; for a
 * gzipped file the offset counts bytes of the decompressed content.
 */
public final class CorruptDataException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long offset;

    public CorruptDataException(Path file, long offset, String problem) {
        super(file + ": " + problem + " (at byte offset " + offset + ")");
        this.file = file;
        this.offset = offset;
    }

    public CorruptDataException(Path file, long offset, String problem, Throwable cause) {
        this(file, offset, problem);
        initCause(cause);
    }

    public Path file() { return file; }

    public long offset() { return offset; }
}
