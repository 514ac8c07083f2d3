package dev.lanes.nn.io;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.ternary.TernaryBase3;
import dev.lanes.nn.param.TernaryStorage;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/** Writes the {@link TensorFile} format: temporary file, fsync, atomic rename. */
final class TensorFileWriter {
    private static final int CHUNK_FLOATS = 16 * 1024;

    private TensorFileWriter() {}

    static void write(Path path, TensorFile.Contents c, UnaryOperator<OutputStream> wrap) throws IOException {
        long length;
        try {
            length = length(c); // checks every name and string before a file is touched
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
        int count = c.parameters().size() + c.packed().size() + c.buffers().size() + c.tensors().size() + c.metadata().size();
        int version = c.packed().isEmpty() ? TensorFile.VERSION_FLOAT_ONLY : TensorFile.VERSION;

        Path target = path.toAbsolutePath();
        // Not Files.createTempFile: its 0600 permissions would end up on the saved file after the rename.
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream file = new BufferedOutputStream(wrap.apply(Channels.newOutputStream(ch)), 1 << 16);
                CRC32 crc = new CRC32();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(file, crc));
                out.write(TensorFile.MAGIC);
                out.writeInt(version);
                out.writeLong(length);
                out.writeInt(count);
                for (Map.Entry<String, Tensor> e : c.parameters().entrySet()) writeTensor(out, TensorFile.PARAMETER, e.getKey(), e.getValue());
                for (Map.Entry<String, TernaryStorage> e : c.packed().entrySet()) writePacked(out, e.getKey(), e.getValue());
                for (Map.Entry<String, Tensor> e : c.buffers().entrySet()) writeTensor(out, TensorFile.BUFFER, e.getKey(), e.getValue());
                for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) writeTensor(out, TensorFile.TENSOR, e.getKey(), e.getValue());
                for (Map.Entry<String, String> e : c.metadata().entrySet()) {
                    out.writeByte(TensorFile.TEXT);
                    writeString(out, e.getKey());
                    writeString(out, e.getValue());
                }
                out.flush();
                // DataOutputStream.size() saturates at 2^31-1, so only check files below that.
                if (length - 4 < Integer.MAX_VALUE && out.size() != length - 4) throw new IllegalStateException("wrote " + out.size() + " bytes, computed " + (length - 4));
                new DataOutputStream(file).writeInt((int) crc.getValue());
                file.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
        syncDirectory(target.getParent());
    }

    /** The file's length in bytes, checksum included. */
    private static long length(TensorFile.Contents c) {
        long length = 5 + 4 + 8 + 4 + 4;
        for (Map<String, Tensor> m : List.of(c.parameters(), c.buffers(), c.tensors())) {
            for (Map.Entry<String, Tensor> e : m.entrySet()) {
                length += 1 + 4 + utf8(e.getKey()).length + 4 + 4L * e.getValue().rank() + 4L * e.getValue().size();
            }
        }
        for (Map.Entry<String, TernaryStorage> e : c.packed().entrySet()) {
            TernaryStorage t = e.getValue();
            length += 1 + 4 + utf8(e.getKey()).length + 4 + 4L * t.shape().length + 1 + 4L * t.scaleCount()
                    + 4L * TernaryBase3.words(t.size());
        }
        for (Map.Entry<String, String> e : c.metadata().entrySet()) {
            length += 1 + 4 + utf8(e.getKey()).length + 4 + utf8(e.getValue()).length;
        }
        return length;
    }

    /** Makes the rename itself durable where the platform allows opening a directory (Linux, macOS). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort: Windows cannot open a directory as a channel, and the file itself is already synced
        }
    }

    private static void writeTensor(DataOutputStream out, int kind, String name, Tensor t) throws IOException {
        out.writeByte(kind);
        writeString(out, name);
        int[] shape = t.shape();
        out.writeInt(shape.length);
        for (int d : shape) out.writeInt(d);
        // Bulk conversion through a big-endian buffer; putFloat keeps raw bits, so NaN payloads survive.
        byte[] chunk = new byte[4 * Math.min(CHUNK_FLOATS, Math.max(1, t.size()))];
        ByteBuffer bb = ByteBuffer.wrap(chunk);
        float[] data = t.data();
        for (int done = 0; done < t.size(); ) {
            int n = Math.min(chunk.length / 4, t.size() - done);
            bb.clear();
            bb.asFloatBuffer().put(data, t.offset() + done, n);
            out.write(chunk, 0, 4 * n);
            done += n;
        }
    }

    /** Kind 5: shape, granularity, scales, then the codes as base-3 words (see {@link TensorFile}). */
    private static void writePacked(DataOutputStream out, String name, TernaryStorage t) throws IOException {
        out.writeByte(TensorFile.PACKED);
        writeString(out, name);
        int[] shape = t.shape();
        out.writeInt(shape.length);
        for (int d : shape) out.writeInt(d);
        out.writeByte(t.granularity().code());
        for (float s : t.scales()) out.writeFloat(s);
        int[] base3 = new int[TernaryBase3.words(t.size())];
        TernaryBase3.fromTwoBit(t.words(), t.size(), base3);
        ByteBuffer bb = ByteBuffer.allocate(4 * base3.length);
        bb.asIntBuffer().put(base3);
        out.write(bb.array());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = utf8(s);
        out.writeInt(b.length);
        out.write(b);
    }

    /** UTF-8 bytes; a string that does not survive the round trip (lone surrogates) is refused, not mangled. */
    private static byte[] utf8(String s) {
        if (s == null) throw new IllegalArgumentException("null name or metadata value");
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (!new String(b, StandardCharsets.UTF_8).equals(s)) {
            throw new IllegalArgumentException("string is not valid Unicode (unpaired surrogate): " + s);
        }
        return b;
    }
}
