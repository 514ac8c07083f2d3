package dev.lanes.training.data;

import static dev.lanes.training.data.IdxReaderTest.assertNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
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
}
