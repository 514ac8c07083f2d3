package dev.lanes.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.param.Granularity;
import dev.lanes.nn.param.TernaryStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format version 2's packed ternary entries (kind 5) and the versions: version 1 files still read, float-only
 * files are still written as version 1, and every malformed packed entry is refused with its offset.
 */
class TensorFileVersionsTest {
    @TempDir Path dir;

    /** One packed entry "w" of shape [rows, cols]: kind at 21, name at 22, rank at 27, dims at 31 and 35, granularity at 39, scales at 40. */
    private Path onePacked(Granularity g, int rows, int cols, long seed) throws IOException {
        byte[] codes = new byte[rows * cols];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < codes.length; i++) codes[i] = (byte) r.nextInt(3);
        float[] scales = new float[g.scaleCount(new int[] {rows, cols})];
        Arrays.fill(scales, 0.75f);
        Path file = dir.resolve("p.lanes");
        TensorFile.write(file, new TensorFile.Contents(Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of("w", TernaryStorage.ofCodes(new int[] {rows, cols}, g, scales, codes))));
        return file;
    }

    private static final int GRANULARITY_AT = 39, SCALES_AT = 40;

    @Test
    void committedVersion1FilesStillRead() throws IOException {
        Path golden = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && golden == null; d = d.getParent()) {
            Path p = d.resolve("testdata/golden/linear.lanes");
            if (Files.exists(p)) golden = p;
        }
        assertTrue(golden != null, "testdata/golden/linear.lanes not found");
        assertEquals(1, ByteBuffer.wrap(Files.readAllBytes(golden)).getInt(5), "the golden files are version 1");
        TensorFile.Contents c = TensorFile.read(golden);
        assertTrue(c.tensor("weight").size() > 0 && c.packed().isEmpty(), c.metadata().toString());
    }

    @Test
    void floatOnlyFilesAreVersion1AndPackedOnesVersion2() throws IOException {
        Path file = dir.resolve("v.lanes");
        TensorFile.write(file, TensorFile.Contents.of(Map.of("t", Tensor.zeros(3)), Map.of()));
        assertEquals(1, ByteBuffer.wrap(Files.readAllBytes(file)).getInt(5));
        assertEquals(2, ByteBuffer.wrap(Files.readAllBytes(onePacked(Granularity.PER_TENSOR, 2, 3, 1))).getInt(5));
    }

    @Test
    void packedEntriesOfAnyShapeRoundTripExactly() throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        Path file = dir.resolve("r.lanes");
        for (int trial = 0; trial < 40; trial++) {
            Map<String, TernaryStorage> packed = new LinkedHashMap<>();
            for (int k = r.nextInt(4); k >= 0; k--) {
                int[] shape = new int[r.nextInt(4)];
                for (int d = 0; d < shape.length; d++) shape[d] = r.nextInt(d == 0 ? 45 : 7);
                Granularity g = shape.length > 0 && r.nextBoolean() ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
                int n = dev.lanes.engine.Shapes.size(shape);
                byte[] codes = new byte[n];
                for (int i = 0; i < n; i++) codes[i] = (byte) r.nextInt(3);
                float[] scales = new float[g.scaleCount(shape)];
                for (int c = 0; c < scales.length; c++) scales[c] = (float) (0.001 + r.nextDouble() * 5);
                packed.put("p" + k, TernaryStorage.ofCodes(shape, g, scales, codes));
            }
            TensorFile.write(file, new TensorFile.Contents(Map.of(), Map.of(), Map.of(), Map.of(), packed));
            TensorFile.Contents back = TensorFile.read(file);
            for (Map.Entry<String, TernaryStorage> e : packed.entrySet()) {
                TernaryStorage a = e.getValue(), b = back.packed().get(e.getKey());
                assertArrayEquals(a.shape(), b.shape());
                assertEquals(a.granularity(), b.granularity());
                assertArrayEquals(a.scales(), b.scales());
                assertArrayEquals(a.words(), b.words(), e.getKey() + " " + Arrays.toString(a.shape()));
            }
        }
    }

    @Test
    void truncationAtAnyByteIsRefusedEvenBehindAConsistentLengthAndChecksum() throws IOException {
        Path src = dir.resolve("full.lanes"), file = dir.resolve("cut.lanes");
        Map<String, Tensor> params = Map.of("a", Tensor.full(1f, 3));
        TensorFile.write(src, new TensorFile.Contents(params, Map.of("b", Tensor.zeros(2)), Map.of(), Map.of("k", "v"),
                Map.of("w", TernaryStorage.ofCodes(new int[] {3, 9}, Granularity.PER_CHANNEL, new float[] {1f, 2f, 3f}, new byte[27]))));
        byte[] good = Files.readAllBytes(src);
        for (int len = 21; len < good.length - 4; len++) {
            byte[] cut = Arrays.copyOf(good, len + 4);
            ByteBuffer.wrap(cut).putLong(9, cut.length);
            Files.write(file, withCrc(cut));
            var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file), "cut at " + len);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.offset() >= 21 && e.offset() <= len, "cut at " + len + ": offset " + e.offset() + " in " + e.getMessage());
        }
    }

    @Test
    void badCodeWordsAreRefusedWithTheirOffset() throws IOException {
        Path file = onePacked(Granularity.PER_TENSOR, 5, 5, 2); // 25 codes: word 0 full, word 1 holds 5
        int wordsAt = SCALES_AT + 4;
        byte[] good = Files.readAllBytes(file);
        byte[] bad = good.clone();
        ByteBuffer.wrap(bad).putInt(wordsAt, 0xFFFF_FFFF); // 4294967295 >= 3^20
        Files.write(file, withCrc(bad));
        var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
        assertTrue(e.getMessage().contains("code word 0 holds 4294967295") && e.offset() == wordsAt, e.getMessage());
        bad = good.clone();
        ByteBuffer.wrap(bad).putInt(wordsAt + 4, 243); // 3^5: a non-zero unused digit in the last word
        Files.write(file, withCrc(bad));
        e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
        assertTrue(e.getMessage().contains("code word 1 holds 243") && e.getMessage().contains("below 3^5") && e.offset() == wordsAt + 4,
                e.getMessage());
    }

    @Test
    void badGranularityIsRefusedWithItsOffset() throws IOException {
        Path file = onePacked(Granularity.PER_CHANNEL, 2, 3, 3);
        byte[] bad = Files.readAllBytes(file);
        bad[GRANULARITY_AT] = 7;
        Files.write(file, withCrc(bad));
        var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
        assertTrue(e.getMessage().contains("unknown granularity 7") && e.offset() == GRANULARITY_AT, e.getMessage());

        // a scalar with per-channel scales: rank 0, so the granularity byte sits right after the rank
        Path scalar = dir.resolve("s.lanes");
        TensorFile.write(scalar, new TensorFile.Contents(Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of("w", TernaryStorage.ofCodes(new int[0], Granularity.PER_TENSOR, new float[] {1f}, new byte[] {2}))));
        bad = Files.readAllBytes(scalar);
        bad[31] = 1;
        Files.write(scalar, withCrc(bad));
        e = assertThrows(CorruptFileException.class, () -> TensorFile.read(scalar));
        assertTrue(e.getMessage().contains("per-channel scales, which need rank >= 1") && e.offset() == 31, e.getMessage());
    }

    @Test
    void badScalesAreRefusedWithTheirOffset() throws IOException {
        Path file = onePacked(Granularity.PER_CHANNEL, 3, 2, 4);
        byte[] good = Files.readAllBytes(file);
        for (float s : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            byte[] bad = good.clone();
            ByteBuffer.wrap(bad).putFloat(SCALES_AT + 8, s);
            Files.write(file, withCrc(bad));
            var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
            assertTrue(e.getMessage().contains("for channel 2; scales must be finite and > 0") && e.offset() == SCALES_AT + 8, e.getMessage());
        }
    }

    @Test
    void aPackedEntryInAVersion1FileAndADenseAndPackedNameClashAreRefused() throws IOException {
        Path file = onePacked(Granularity.PER_TENSOR, 2, 2, 5);
        byte[] bad = Files.readAllBytes(file);
        ByteBuffer.wrap(bad).putInt(5, 1);
        Files.write(file, withCrc(bad));
        var e = assertThrows(CorruptFileException.class, () -> TensorFile.read(file));
        assertTrue(e.getMessage().contains("needs format version 2, but the file is version 1") && e.offset() == 21, e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TensorFile.Contents(Map.of("w", Tensor.zeros(1)), Map.of(), Map.of(), Map.of(),
                Map.of("w", TernaryStorage.zeros(Granularity.PER_TENSOR, 1))));
    }

    @Test
    void packedEntriesAreDecodedByName() throws IOException {
        TensorFile.Contents c = TensorFile.read(onePacked(Granularity.PER_TENSOR, 2, 2, 6));
        Tensor w = c.tensor("w");
        for (int i = 0; i < 4; i++) assertEquals((c.packed().get("w").code(i) - 1) * 0.75f, w.data()[i]);
    }

    private static byte[] withCrc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }
}
