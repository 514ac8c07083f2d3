package dev.lanes.nn.io;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.param.TernaryStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The Lanes tensor container: named float tensors of four kinds, packed ternary parameters and metadata
 * strings, one format for model files, training checkpoints and the PyTorch golden test cases.
 *
 * <p>Format version 2, every number big-endian (Java's {@code DataOutput} order; Python {@code struct ">"}):
 * <pre>
 *   magic     5 bytes   "LANES" (ASCII)
 *   version   int32     1 or 2 (2 only when a packed entry is present, so float-only files stay readable by
 *                       builds that know version 1 alone)
 *   length    int64     total file length in bytes, checksum included (detects truncation)
 *   count     int32     number of entries
 *   entry * count:
 *     kind    uint8     1 parameter, 2 buffer, 3 tensor (other state), 4 text (metadata),
 *                       5 packed ternary parameter (version 2)
 *     name    int32 byte length, then UTF-8 bytes
 *     kinds 1-3: rank int32, rank dims int32, then size float32 values (IEEE 754 bits, row-major)
 *     kind 4:    int32 byte length, then UTF-8 bytes
 *     kind 5:    rank int32, rank dims int32,
 *                granularity uint8 (0 per tensor: 1 scale; 1 per output channel: dims[0] scales, rank &gt;= 1),
 *                scales float32 * (1 or dims[0]), each finite and &gt; 0,
 *                codes int32 * ceil(size / 20): 20 ternary codes per word in base 3, element 20k + j is digit j
 *                of word k read as unsigned, (w / 3^j) mod 3, with 0 = -scale, 1 = 0, 2 = +scale; the last
 *                word's unused digits are 0 (see {@link dev.lanes.engine.ternary.TernaryBase3})
 *   crc32     uint32    CRC-32 (java.util.zip.CRC32, zlib's) of every byte before it
 * </pre>
 * Version 1 is the same without kind 5. Names are unique within a kind, and parameters (kinds 1 and 5) share
 * one namespace; entries keep their order within each kind. A packed entry takes 1.6 bits per weight, so a
 * large ternary tensor's payload is up to 20x smaller than float32 (two-bit words could not reach 16x once a
 * scale is stored). Writing goes to a temporary file in the target's directory, is forced to disk, then
 * atomically renamed over the target, so a failed save leaves the previous file intact. Reading refuses
 * anything malformed with a {@link CorruptFileException} naming the file and byte offset; all checks,
 * checksum included, happen before any tensor is returned.
 */
public final class TensorFile {
    /** The newest version this build reads and writes. */
    public static final int VERSION = 2;
    /** The version written when no packed entry is present. */
    public static final int VERSION_FLOAT_ONLY = 1;
    static final byte[] MAGIC = {'L', 'A', 'N', 'E', 'S'};
    static final int PARAMETER = 1, BUFFER = 2, TENSOR = 3, TEXT = 4, PACKED = 5;

    private TensorFile() {}

    /**
     * What a file holds, each map in file order: model parameters and buffers by dotted path, other named
     * tensors (optimizer state, test data), metadata strings (epoch, model name, RNG seed...), and packed
     * ternary parameters (which share the parameters' names).
     */
    public record Contents(Map<String, Tensor> parameters, Map<String, Tensor> buffers, Map<String, Tensor> tensors,
                           Map<String, String> metadata, Map<String, TernaryStorage> packed) {
        public Contents {
            parameters = frozen(parameters);
            buffers = frozen(buffers);
            tensors = frozen(tensors);
            metadata = frozen(metadata);
            packed = frozen(packed);
            for (String name : packed.keySet()) {
                if (parameters.containsKey(name)) {
                    throw new IllegalArgumentException("parameter \"" + name + "\" is given both dense and packed");
                }
            }
        }

        /** Without packed parameters. */
        public Contents(Map<String, Tensor> parameters, Map<String, Tensor> buffers, Map<String, Tensor> tensors,
                        Map<String, String> metadata) {
            this(parameters, buffers, tensors, metadata, Map.of());
        }

        /** Only extra tensors and metadata, no model. */
        public static Contents of(Map<String, Tensor> tensors, Map<String, String> metadata) {
            return new Contents(Map.of(), Map.of(), tensors, metadata);
        }

        /**
         * The tensor of any kind with this name (parameters first; a packed parameter decoded into a new
         * tensor), or an IllegalArgumentException naming it.
         */
        public Tensor tensor(String name) {
            TernaryStorage p = packed.get(name);
            if (p != null) return p.copy().values();
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

    /** Reads and fully validates a file (version 1 or 2). */
    public static Contents read(Path path) throws IOException {
        return TensorFileReader.read(path, false);
    }

    /** {@link #read}, also refusing a parameter or buffer value that is not finite (a model that cannot be used). */
    static Contents readModel(Path path) throws IOException {
        return TensorFileReader.read(path, true);
    }
}
