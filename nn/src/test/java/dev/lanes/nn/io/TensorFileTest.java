package dev.lanes.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryStorage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFileTest {
    @TempDir Path dir;

    private static TensorFile.Contents sample() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        float[] odd = {-0f, Float.intBitsToFloat(0x7fc0_1234), Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 1e38f, -3.5f};
        params.put("0.weight", Tensor.of(odd, 2, 3));
        params.put("0.bias", Tensor.full(0.25f, 3));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("scalar", Tensor.full(7f));
        tensors.put("empty", Tensor.zeros(0, 4));
        tensors.put("größe", Tensor.wrap(new float[] {9, 1, 2, 3}, 1, 3)); // a view with an offset
        Map<String, TernaryStorage> packed = new LinkedHashMap<>();
        packed.put("2.weight", TernaryStorage.ofCodes(new int[] {3, 7}, Granularity.PER_CHANNEL, new float[] {0.5f, 1f, 2f},
                new byte[] {0, 1, 2, 2, 1, 0, 0, 1, 1, 1, 2, 2, 2, 0, 1, 0, 2, 1, 0, 2, 2}));
        packed.put("3.weight", TernaryStorage.ofCodes(new int[] {2}, Granularity.PER_TENSOR, new float[] {0.25f}, new byte[] {2, 0}));
        return new TensorFile.Contents(params, Map.of("1.runningMean", Tensor.full(-1f, 3)), tensors,
                Map.of("model", "résnet-8 ✓", "epoch", "12"), packed);
    }

    @Test
    void roundTripKeepsEveryBitNameOrderAndKind() throws IOException {
        Path file = dir.resolve("a.lanes");
        TensorFile.Contents in = sample();
        TensorFile.write(file, in);
        TensorFile.Contents out = TensorFile.read(file);
        assertEquals(List.copyOf(in.parameters().keySet()), List.copyOf(out.parameters().keySet()));
        for (String name : List.of("0.weight", "0.bias", "1.runningMean", "scalar", "empty", "größe")) {
            Tensor a = in.tensor(name), b = out.tensor(name);
            assertArrayEquals(a.shape(), b.shape(), name);
            for (int i = 0; i < a.size(); i++) {
                assertEquals(Float.floatToRawIntBits(a.data()[a.offset() + i]), Float.floatToRawIntBits(b.data()[i]), name + "[" + i + "]");
            }
        }
        assertEquals(in.metadata(), out.metadata());
        assertEquals(List.copyOf(in.packed().keySet()), List.copyOf(out.packed().keySet()));
        for (String name : in.packed().keySet()) assertSamePacked(in.packed().get(name), out.packed().get(name));
        assertEquals(Files.size(file), ByteBuffer.wrap(Files.readAllBytes(file)).getLong(9), "declared length");
        assertEquals(2, ByteBuffer.wrap(Files.readAllBytes(file)).getInt(5), "a file with packed entries is version 2");
    }

    private static void assertSamePacked(TernaryStorage a, TernaryStorage b) {
        assertArrayEquals(a.shape(), b.shape());
        assertEquals(a.granularity(), b.granularity());
        assertArrayEquals(a.scales(), b.scales());
        assertArrayEquals(a.words(), b.words());
        assertArrayEquals(a.values().toArray(), b.values().toArray());
    }

    @Test
    void savedFileGetsOrdinaryPermissionsNotATemporaryFilesOnes() throws IOException {
        Path file = dir.resolve("perm.lanes");
        TensorFile.write(file, sample());
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
        }
    }

    @Test
    void anyFlippedByteIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("flip.lanes");
        TensorFile.write(file, sample());
        byte[] good = Files.readAllBytes(file);
        for (int at = 0; at < good.length; at++) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Files.write(file, bad);
            var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file), "flip at " + at);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            // Bytes past the header are caught by the checksum.
            if (at >= 17) assertTrue(e.getMessage().contains("checksum mismatch"), "flip at " + at + ": " + e.getMessage());
        }
    }

    @Test
    void truncationAtAnyOffsetIsRefusedWithAClearMessage() throws IOException {
        Path src = dir.resolve("full.lanes"), file = dir.resolve("cut.lanes");
        TensorFile.write(src, sample());
        byte[] good = Files.readAllBytes(src);
        for (int len = 0; len < good.length; len++) {
            Files.write(file, java.util.Arrays.copyOf(good, len));
            var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file), "length " + len);
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void wrongMagicAndVersionAreNamed() throws IOException {
        Path file = dir.resolve("v.lanes");
        TensorFile.write(file, sample());
        byte[] bytes = Files.readAllBytes(file);
        bytes[4] = 'Z';
        Files.write(file, bytes);
        var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
        assertTrue(e.getMessage().contains("not a Lanes tensor file"), e.getMessage());
        bytes[4] = 'S';
        ByteBuffer.wrap(bytes).putInt(5, 3);
        Files.write(file, withCrc(bytes));
        e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
        assertTrue(e.getMessage().contains("unsupported format version 3") && e.getMessage().contains("offset 5"), e.getMessage());
    }

    @Test
    void malformedStructureBehindAValidChecksumIsRefused() throws IOException {
        Path file = dir.resolve("s.lanes");
        TensorFile.write(file, TensorFile.Contents.of(Map.of("t", Tensor.zeros(2)), Map.of()));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).putInt(17, 2); // two entries claimed, one present
        Files.write(file, withCrc(bytes));
        var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
        assertTrue(e.getMessage().contains("entry 1 needs 1 more bytes"), e.getMessage());
        bytes = Files.readAllBytes(dir.resolve("s.lanes"));
        ByteBuffer.wrap(bytes).put(21, (byte) 9).putInt(17, 1); // unknown kind
        Files.write(file, withCrc(bytes));
        e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
        assertTrue(e.getMessage().contains("unknown kind 9") && e.getMessage().contains("offset 21"), e.getMessage());
    }

    @Test
    void failedSaveKeepsThePreviousFileAndLeavesNoTemporary() throws IOException {
        Path file = dir.resolve("keep.lanes");
        TensorFile.Contents first = TensorFile.Contents.of(Map.of("w", Tensor.full(1f, 1000)), Map.of());
        TensorFile.write(file, first);
        byte[] before = Files.readAllBytes(file);
        TensorFile.Contents second = TensorFile.Contents.of(Map.of("w", Tensor.full(2f, 1000)), Map.of());
        IOException e = assertThrows(IOException.class, () -> TensorFile.write(file, second, FailAfter.bytes(1500)));
        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals(1f, TensorFile.read(file).tensor("w").get(999));
    }

    @Test
    void unpairedSurrogateNameIsRefusedNotMangled() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TensorFile.write(dir.resolve("u.lanes"), TensorFile.Contents.of(Map.of("a\uD800", Tensor.zeros(1)), Map.of())));
        assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TensorFile.write(dir.resolve("u.lanes"), TensorFile.Contents.of(Map.of(), Map.of("model", "x\uDC00"))));
        assertTrue(e.getMessage().startsWith(dir.resolve("u.lanes") + ": ") && e.getMessage().contains("surrogate"), e.getMessage());
        assertTrue(java.nio.file.Files.notExists(dir.resolve("u.lanes")), "nothing written");
    }

    @Test
    void randomContentsRoundTrip() throws IOException {
        Random rnd = new Random(11);
        Path file = dir.resolve("r.lanes");
        for (int trial = 0; trial < 20; trial++) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int k = rnd.nextInt(5); k >= 0; k--) {
                int[] shape = new int[rnd.nextInt(4)];
                for (int d = 0; d < shape.length; d++) shape[d] = rnd.nextInt(6);
                Tensor t = Tensor.zeros(shape);
                for (int i = 0; i < t.size(); i++) t.data()[i] = Float.intBitsToFloat(rnd.nextInt());
                tensors.put("t" + k, t);
            }
            TensorFile.write(file, TensorFile.Contents.of(tensors, Map.of()));
            TensorFile.Contents back = TensorFile.read(file);
            for (Map.Entry<String, Tensor> en : tensors.entrySet()) {
                Tensor b = back.tensor(en.getKey());
                assertArrayEquals(en.getValue().shape(), b.shape());
                for (int i = 0; i < b.size(); i++) {
                    assertEquals(Float.floatToRawIntBits(en.getValue().data()[i]), Float.floatToRawIntBits(b.data()[i]));
                }
            }
        }
    }

    /** Recomputes the trailing CRC so structural corruption gets past the checksum. */
    private static byte[] withCrc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    /** An output stream that fails once more than {@code limit} bytes have been written. */
    private static final class FailAfter extends FilterOutputStream {
        private long left;

        private FailAfter(OutputStream out, long limit) {
            super(out);
            left = limit;
        }

        static java.util.function.UnaryOperator<OutputStream> bytes(long limit) {
            return out -> new FailAfter(out, limit);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            left -= len;
            if (left < 0) throw new IOException("disk full (simulated)");
            out.write(b, off, len);
        }
    }
}
