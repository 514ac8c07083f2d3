package dev.lanes.training.data;

import static dev.lanes.training.data.IdxReaderTest.assertNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
    @TempDir Path tmp;

    /** {@code n} records: label i mod 10, pixel k of record i = (i + k) mod 256. */
    static byte[] records(int n) {
        byte[] b = new byte[n * Cifar10Reader.RECORD_BYTES];
        for (int i = 0; i < n; i++) {
            int at = i * Cifar10Reader.RECORD_BYTES;
            b[at] = (byte) (i % 10);
            for (int k = 0; k < Cifar10Reader.IMAGE_BYTES; k++) b[at + 1 + k] = (byte) (i + k);
        }
        return b;
    }

    @Test
    void readsRecordsInChwOrderAcrossFiles() throws IOException {
        Path a = Files.write(tmp.resolve("data_batch_1.bin"), records(3));
        Path b = Files.write(tmp.resolve("data_batch_2.bin"), IdxReaderTest.gzip(records(2)));
        ByteImageDataset ds = Cifar10Reader.read(List.of(a, b));
        assertEquals(5, ds.size());
        assertArrayEquals(new int[] {3, 32, 32}, ds.imageShape());
        assertEquals(2, ds.label(2));
        assertEquals(1, ds.label(4)); // record 1 of the second file
        float[] img = new float[3072];
        ds.get(1, img, 0);
        assertEquals(1 / 255f, img[0], 1e-7f);
        assertEquals(((1 + 1024) % 256) / 255f, img[1024], 1e-7f); // first green pixel
    }

    @Test
    void refusesABadRecordSize() throws IOException {
        byte[] b = Arrays.copyOf(records(2), 2 * Cifar10Reader.RECORD_BYTES - 100);
        Path f = Files.write(tmp.resolve("short.bin"), b);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Cifar10Reader.read(List.of(f)));
        assertNames(e, f, Cifar10Reader.RECORD_BYTES);
        assertTrue(e.getMessage().contains("3073"), e.getMessage());
    }

    @Test
    void refusesALabelOutOfRange() throws IOException {
        byte[] b = records(3);
        b[2 * Cifar10Reader.RECORD_BYTES] = 10;
        Path f = Files.write(tmp.resolve("bad-label.bin"), b);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Cifar10Reader.read(List.of(f)));
        assertNames(e, f, 2L * Cifar10Reader.RECORD_BYTES);
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    void loadFindsTheTestBatchInTheArchiveFolder() throws IOException {
        Path sub = Files.createDirectories(tmp.resolve("cifar-10-batches-bin"));
        Files.write(sub.resolve("test_batch.bin"), records(4));
        assertEquals(4, Cifar10Reader.load(tmp, "test").size());
        assertThrows(IllegalArgumentException.class, () -> Cifar10Reader.load(tmp, "validation"));
    }

    @Test
    void refusesAnEmptyBatchPlainOrGzipped() throws IOException {
        Path empty = Files.write(tmp.resolve("empty.bin"), new byte[0]);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Cifar10Reader.read(List.of(empty)));
        assertNames(e, empty, 0);
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("0 bytes"), e.getMessage());
        Path emptyGz = Files.write(tmp.resolve("empty.bin.gz"), IdxReaderTest.gzip(new byte[0]));
        e = assertThrows(CorruptDataException.class, () -> Cifar10Reader.read(List.of(emptyGz)));
        assertNames(e, emptyGz, 0);
        assertTrue(e.getMessage().contains("decompresses to 0 bytes"), e.getMessage());
    }

    @Test
    void aFolderMissingOnlyTheTestBatchIsCifarAndLoadingNamesWhatIsMissing() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("no-test"));
        for (int i = 1; i <= 5; i++) Files.write(dir.resolve("data_batch_" + i + ".bin"), records(1));
        assertTrue(Cifar10Reader.holdsBatches(dir));
        assertEquals(5, Cifar10Reader.load(dir, "train").size());
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Cifar10Reader.load(dir, "test"));
        assertEquals(dir.resolve("test_batch.bin").toString(), e.getFile());
        assertTrue(e.getMessage().contains("missing: test_batch.bin") && e.getMessage().contains("present: data_batch_1.bin"),
                e.getMessage());

        Files.delete(dir.resolve("data_batch_3.bin"));
        e = assertThrows(NoSuchFileException.class, () -> Cifar10Reader.load(dir, "train"));
        assertTrue(e.getMessage().contains("missing: data_batch_3.bin") && !e.getMessage().contains("missing: data_batch_3.bin, "),
                e.getMessage());

        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.write(other.resolve("notes.txt"), new byte[] {1});
        assertFalse(Cifar10Reader.holdsBatches(other));
    }
}
