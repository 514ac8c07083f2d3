package dev.lanes.nn.io;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.ternary.TernaryBase3;
import dev.lanes.engine.ternary.TernaryCodes;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryStorage;
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
    private final boolean finiteModel;
    private int version;

    private TensorFileReader(Path path, byte[] bytes, boolean finiteModel) {
        this.path = path;
        this.buf = ByteBuffer.wrap(bytes);
        this.finiteModel = finiteModel;
    }

    /** @param finiteModel also refuse non-finite values in parameter and buffer entries */
    static TensorFile.Contents read(Path path, boolean finiteModel) throws IOException {
        return new TensorFileReader(path, Files.readAllBytes(path), finiteModel).parse();
    }

    private TensorFile.Contents parse() throws IOException {
        long size = buf.limit();
        int head = (int) Math.min(size, 5);
        if (!Arrays.equals(buf.array(), 0, head, TensorFile.MAGIC, 0, head)) {
            throw corrupt(0, "not a Lanes tensor file: it does not start with \"LANES\"");
        }
        if (size < 5) throw corrupt(size, "truncated: the file ends inside the header after " + size + " bytes");
        if (size < 9) throw corrupt(size, "truncated: the file ends inside the header after " + size + " bytes");
        version = buf.getInt(5);
        if (version != TensorFile.VERSION_FLOAT_ONLY && version != TensorFile.VERSION) {
            throw corrupt(5, "unsupported format version " + version + " (this build reads versions "
                    + TensorFile.VERSION_FLOAT_ONLY + " and " + TensorFile.VERSION + ")");
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
        Map<String, TernaryStorage> packed = new LinkedHashMap<>();
        List<Map<String, Tensor>> byKind = List.of(params, buffers, tensors);
        for (int i = 0; i < count; i++) {
            long at = buf.position();
            int kind = Byte.toUnsignedInt(take(1, i).get());
            String name = string(i);
            boolean fresh;
            if (kind >= TensorFile.PARAMETER && kind <= TensorFile.TENSOR) {
                boolean model = finiteModel && kind != TensorFile.TENSOR;
                fresh = byKind.get(kind - 1).putIfAbsent(name, tensor(i, name, model)) == null
                        && (kind != TensorFile.PARAMETER || !packed.containsKey(name));
            } else if (kind == TensorFile.TEXT) {
                fresh = metadata.putIfAbsent(name, string(i)) == null;
            } else if (kind == TensorFile.PACKED) {
                if (version < TensorFile.VERSION) {
                    throw corrupt(at, "entry " + i + " has kind " + kind + " (packed ternary), which needs format version "
                            + TensorFile.VERSION + ", but the file is version " + version);
                }
                fresh = packed.putIfAbsent(name, packed(i, name)) == null && !params.containsKey(name);
            } else {
                throw corrupt(at, "entry " + i + " has unknown kind " + kind);
            }
            if (!fresh) throw corrupt(at, "entry " + i + " repeats the name \"" + name + "\"");
        }
        if (buf.position() != size - 4) {
            throw corrupt(buf.position(), "the " + count + " entries end " + (size - 4 - buf.position()) + " bytes before the checksum");
        }
        return new TensorFile.Contents(params, buffers, tensors, metadata, packed);
    }

    private int[] shape(int entry, String name) throws CorruptFileException {
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
        return shape;
    }

    /** @param finite refuse a value that is not finite (a model parameter or buffer) */
    private Tensor tensor(int entry, String name, boolean finite) throws CorruptFileException {
        int[] shape = shape(entry, name);
        long n = 1;
        for (int d : shape) n *= d;
        long at = buf.position();
        ByteBuffer body = take(4 * n, entry); // before the array: a corrupt shape must not allocate gigabytes
        float[] values = new float[(int) n];
        body.asFloatBuffer().get(values);
        buf.position(buf.position() + (int) (4 * n));
        if (finite) {
            for (int k = 0; k < values.length; k++) {
                if (!Float.isFinite(values[k])) {
                    throw corrupt(at + 4L * k, "entry " + entry + " \"" + name + "\" holds " + values[k] + " at element " + k
                            + ": a model with non-finite values is unusable");
                }
            }
        }
        return Tensor.of(values, shape);
    }

    /** Kind 5: shape, granularity, scales, base-3 code words. */
    private TernaryStorage packed(int entry, String name) throws CorruptFileException {
        String what = "entry " + entry + " \"" + name + "\"";
        int[] shape = shape(entry, name);
        long gAt = buf.position();
        int g = Byte.toUnsignedInt(take(1, entry).get());
        Granularity granularity = Granularity.ofCode(g);
        if (granularity == null) throw corrupt(gAt, what + " has unknown granularity " + g + " (0 per tensor, 1 per channel)");
        if (granularity == Granularity.PER_CHANNEL && shape.length == 0) {
            throw corrupt(gAt, what + " is a scalar but has per-channel scales, which need rank >= 1");
        }
        int scaleCount = granularity.scaleCount(shape);
        long scalesAt = buf.position();
        float[] scales = new float[scaleCount];
        take(4L * scaleCount, entry).asFloatBuffer().get(scales);
        buf.position(buf.position() + 4 * scaleCount);
        for (int c = 0; c < scaleCount; c++) {
            if (!(scales[c] > 0f) || Float.isInfinite(scales[c])) {
                throw corrupt(scalesAt + 4L * c, what + " has scale " + scales[c] + " for channel " + c + "; scales must be finite and > 0");
            }
        }
        int size = 1;
        for (int d : shape) size *= d;
        int wordCount = TernaryBase3.words(size);
        long wordsAt = buf.position();
        int[] base3 = new int[wordCount];
        take(4L * wordCount, entry).asIntBuffer().get(base3);
        buf.position(buf.position() + 4 * wordCount);
        int bad = TernaryBase3.firstInvalidWord(base3, size);
        if (bad >= 0) {
            int used = Math.min(TernaryBase3.PER_WORD, size - bad * TernaryBase3.PER_WORD);
            throw corrupt(wordsAt + 4L * bad, what + ": code word " + bad + " holds " + Integer.toUnsignedString(base3[bad])
                    + ", which is not " + used + " ternary codes in base 3 (it must be below 3^" + used + ")");
        }
        int[] words = new int[TernaryCodes.words(size)];
        TernaryBase3.toTwoBit(base3, size, words);
        return TernaryStorage.of(shape, granularity, scales, words);
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
