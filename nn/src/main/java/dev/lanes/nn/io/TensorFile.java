package dev.lanes.nn.io;

import dev.lanes.engine.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The Lanes tensor container: named float tensors of four kinds plus metadata strings, one format for model
 * files, training checkpoints and the PyTorch golden test cases.
 *
 * <p>Format version 1, every number big-endian (Java's {@code DataOutput} order; Python {@code struct ">"}):
 * <pre>
 *   magic     5 bytes   "LANES" (ASCII)
 *   version   int32     1
 *   length    int64     total file length in bytes, checksum included (detects truncation)
 *   count     int32     number of entries
 *   entry * count:
 *     kind    uint8     1 parameter, 2 buffer, 3 tensor (other state), 4 text (metadata)
 *     name    int32 byte length, then UTF-8 bytes
 *     kinds 1-3: rank int32, rank dims int32, then size float32 values (IEEE 754 bits, row-major)
 *     kind 4:    int32 byte length, then UTF-8 bytes
 *   crc32     uint32    CRC-32 (java.util.zip.CRC32, zlib's) of every byte before it
 * </pre>
 * Names are unique within a kind; entries keep their order. Writing goes to a temporary file in the target's
 * directory, is forced to disk, then atomically renamed over the target, so a failed save leaves the
 * previous file intact. Reading refuses anything malformed with a {@link CorruptFileException} naming the
 * file and byte offset; all checks, checksum included, happen before any tensor is returned.
 */
public final class TensorFile {
    public static final int VERSION = 1;
    static final byte[] MAGIC = {'L', 'A', 'N', 'E', 'S'};
    static final int PARAMETER = 1, BUFFER = 2, TENSOR = 3, TEXT = 4;

    private TensorFile() {}

    /**
     * What a file holds, each map in file order: model parameters and buffers by dotted path, other named
     * tensors (optimizer state, test data) and metadata strings (epoch, model name, RNG seed...).
     */
    public record Contents(Map<String, Tensor> parameters, Map<String, Tensor> buffers, Map<String, Tensor> tensors,
                           Map<String, String> metadata) {
        public Contents {
            parameters = frozen(parameters);
            buffers = frozen(buffers);
            tensors = frozen(tensors);
            metadata = frozen(metadata);
        }

        /** Only extra tensors and metadata, no model. */
        public static Contents of(Map<String, Tensor> tensors, Map<String, String> metadata) {
            return new Contents(Map.of(), Map.of(), tensors, metadata);
        }

        /** The tensor of any kind with this name (parameters first), or an IllegalArgumentException naming it. */
        public Tensor tensor(String name) {
            for (Map<String, Tensor> m : java.util.List.of(parameters, buffers, tensors)) {
                Tensor t = m.get(name);
                if (t != null) return t;
            }
            throw new IllegalArgumentException("no tensor named \"" + name + "\"");
        }

        private static <V> Map<String, V> frozen(Map<String, V> m) {
            return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
        }
    }

    /** Writes {@code contents} to {@code path} atomically (see the class comment). */
    public static void write(Path path, Contents contents) throws IOException {
        TensorFileWriter.write(path, contents, UnaryOperator.identity());
    }

    /** Test hook: {@code wrap} decorates the stream to the temporary file, e.g. to make it fail mid-way. */
    static void write(Path path, Contents contents, UnaryOperator<OutputStream> wrap) throws IOException {
        TensorFileWriter.write(path, contents, wrap);
    }

    /** Reads and fully validates a file. */
    public static Contents read(Path path) throws IOException {
        return TensorFileReader.read(path);
    }
}
