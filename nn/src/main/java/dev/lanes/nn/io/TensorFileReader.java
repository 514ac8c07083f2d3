package dev.lanes.nn.io;

import dev.lanes.engine.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads the {@link TensorFile} format. Checks run in an order that gives the most specific message: magic,
 * version, declared length against the real one (truncation), checksum (any flipped byte), then structure.
 */
final class TensorFileReader {
    private static final int HEADER = 5 + 4 + 8 + 4;
    private static final int MAX_RANK = 16;

    private final Path path;
    private final ByteBuffer buf;

    private TensorFileReader(Path path, byte[] bytes) {
        this.path = path;
        this.buf = ByteBuffer.wrap(bytes);
    }

    static TensorFile.Contents read(Path path) throws IOException {
        return new TensorFileReader(path, Files.readAllBytes(path)).parse();
    }

    private TensorFile.Contents parse() throws IOException {
        long size = buf.limit();
        int head = (int) Math.min(size, 5);
        if (!Arrays.equals(buf.array(), 0, head, TensorFile.MAGIC, 0, head)) {
            throw corrupt(0, "not a Lanes tensor file: it does not start with \"LANES\"");
        }
        if (size < 5) throw corrupt(size, "truncated: the file ends inside the header after " + size + " bytes");
        if (size < 9) throw corrupt(size, "truncated: the file ends inside the header after " + size + " bytes");
        int version = buf.getInt(5);
        if (version != TensorFile.VERSION) {
            throw corrupt(5, "unsupported format version " + version + " (this build reads version " + TensorFile.VERSION + ")");
        }
        if (size < HEADER + 4) throw corrupt(size, "truncated: the file ends inside the header after " + size + " bytes");
        long declared = buf.getLong(9);
        if (declared != size) {
            throw corrupt(declared < 0 ? 9 : Math.min(declared, size), (size < declared ? "truncated: " : "corrupt: ") + "the header declares "
                    + declared + " bytes but the file has " + size);
        }
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, (int) size - 4);
        int stored = buf.getInt((int) size - 4);
        if (stored != (int) crc.getValue()) {
            throw corrupt(size - 4, String.format("checksum mismatch: stored CRC-32 %08x but the contents hash to %08x; the file is corrupt",
                    stored, (int) crc.getValue()));
        }
        buf.position(HEADER - 4);
        int count = buf.getInt();
        Map<String, Tensor> params = new LinkedHashMap<>(), buffers = new LinkedHashMap<>(), tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Map<String, Tensor>> byKind = List.of(params, buffers, tensors);
        for (int i = 0; i < count; i++) {
            long at = buf.position();
            int kind = Byte.toUnsignedInt(take(1, i).get());
            String name = string(i);
            boolean fresh;
            if (kind >= TensorFile.PARAMETER && kind <= TensorFile.TENSOR) {
                fresh = byKind.get(kind - 1).putIfAbsent(name, tensor(i, name)) == null;
            } else if (kind == TensorFile.TEXT) {
                fresh = metadata.putIfAbsent(name, string(i)) == null;
            } else {
                throw corrupt(at, "entry " + i + " has unknown kind " + kind);
            }
            if (!fresh) throw corrupt(at, "entry " + i + " repeats the name \"" + name + "\"");
        }
        if (buf.position() != size - 4) {
            throw corrupt(buf.position(), "the " + count + " entries end " + (size - 4 - buf.position()) + " bytes before the checksum");
        }
        return new TensorFile.Contents(params, buffers, tensors, metadata);
    }

    private Tensor tensor(int entry, String name) throws CorruptFileException {
        long at = buf.position();
        int rank = take(4, entry).getInt();
        if (rank < 0 || rank > MAX_RANK) throw corrupt(at, "entry " + entry + " \"" + name + "\" has rank " + rank);
        int[] shape = new int[rank];
        long n = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = take(4, entry).getInt();
            n *= Math.max(shape[d], 0);
            if (shape[d] < 0 || n > Integer.MAX_VALUE) {
                throw corrupt(at, "entry " + entry + " \"" + name + "\" has an invalid shape " + Arrays.toString(Arrays.copyOf(shape, d + 1)));
            }
        }
        ByteBuffer body = take(4 * n, entry); // before the array: a corrupt shape must not allocate gigabytes
        float[] values = new float[(int) n];
        body.asFloatBuffer().get(values);
        buf.position(buf.position() + (int) (4 * n));
        return Tensor.of(values, shape);
    }

    private String string(int entry) throws CorruptFileException {
        long at = buf.position();
        int len = take(4, entry).getInt();
        if (len < 0) throw corrupt(at, "entry " + entry + " has a negative string length " + len);
        ByteBuffer slice = take(len, entry).slice().limit(len);
        buf.position(buf.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(at + 4, "entry " + entry + " has a string that is not valid UTF-8");
        }
    }

    /**
     * Ensures {@code n} more bytes exist before the checksum and returns the buffer. Fixed-size reads advance
     * the position themselves; callers of variable-size reads advance it.
     */
    private ByteBuffer take(long n, int entry) throws CorruptFileException {
        if (n > buf.limit() - 4 - buf.position()) {
            throw corrupt(buf.position(), "entry " + entry + " needs " + n + " more bytes but only "
                    + (buf.limit() - 4 - buf.position()) + " remain before the checksum");
        }
        return buf;
    }

    private CorruptFileException corrupt(long offset, String what) {
        return new CorruptFileException(path, offset, what);
    }
}
