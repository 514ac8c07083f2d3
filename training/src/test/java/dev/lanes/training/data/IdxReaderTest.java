package dev.lanes.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.training.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir Path tmp;

    @Test
    void readsTheBundledMnist() {
        ByteImageDataset train = TestData.mnistTrain();
        ByteImageDataset test = TestData.mnistTest();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.imageShape());
        // the well-known first labels of each split
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, firstLabels(train, 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, firstLabels(test, 10));
        float[] img = new float[784];
        assertEquals(5, train.get(0, img, 0));
        float min = 1, max = 0, sum = 0;
        for (float v : img) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertEquals(0f, min);
        assertEquals(1f, max); // pixel 255 → 1
        assertTrue(sum > 50 && sum < 200, "a digit covers part of the image: sum " + sum);
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] images = images(3, 2, 2);
        Path plain = write("plain-idx3", images);
        Path gz = write("gz-idx3", gzip(images));
        IdxReader.Images a = IdxReader.readImages(plain), b = IdxReader.readImages(gz);
        assertEquals(3, a.count());
        assertEquals(2, a.rows());
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(Arrays.copyOfRange(images, 16, images.length), a.pixels());
    }

    @Test
    void refusesWrongMagic() throws IOException {
        byte[] b = labels(4);
        Path f = write("labels-as-images", b);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.readImages(f));
        assertNames(e, f, 0);
        assertTrue(e.getMessage().contains("0x00000801") && e.getMessage().contains("0x00000803"), e.getMessage());
    }

    @Test
    void refusesTruncatedHeader() throws IOException {
        Path f = write("short-header", Arrays.copyOf(images(2, 3, 3), 10));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.readImages(f));
        assertNames(e, f, 10);
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        Path g = write("short-magic", new byte[] {0, 0});
        assertNames(assertThrows(CorruptDataException.class, () -> IdxReader.readLabels(g)), g, 2);
    }

    @Test
    void refusesTruncatedBodyPlainAndGzipped() throws IOException {
        byte[] full = images(5, 4, 4);
        byte[] cut = Arrays.copyOf(full, 16 + 2 * 16 + 7);
        Path f = write("cut", cut);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.readImages(f));
        assertNames(e, f, cut.length);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path g = write("cut.gz", gzip(cut));
        assertNames(assertThrows(CorruptDataException.class, () -> IdxReader.readImages(g)), g, cut.length);
    }

    @Test
    void refusesACutGzipStream() throws IOException {
        byte[] gz = gzip(images(50, 8, 8));
        Path f = write("cut-stream.gz", Arrays.copyOf(gz, gz.length / 2));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("gzip"), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset " + e.offset()), e.getMessage());
    }

    @Test
    void refusesTrailingBytes() throws IOException {
        byte[] b = Arrays.copyOf(labels(6), 8 + 6 + 3);
        Path f = write("long-labels", b);
        assertNames(assertThrows(CorruptDataException.class, () -> IdxReader.readLabels(f)), f, 14);
    }

    @Test
    void mnistLoadRefusesCountMismatchAndBadLabels() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mismatch"));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(4, 28, 28)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(3)));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> MnistDataset.load(dir, "train"));
        assertNames(e, dir.resolve("train-labels-idx1-ubyte.gz"), 4);
        assertTrue(e.getMessage().contains("3 labels") && e.getMessage().contains("4 images"), e.getMessage());

        byte[] bad = labels(4);
        bad[8 + 2] = 11;
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(bad));
        e = assertThrows(CorruptDataException.class, () -> MnistDataset.load(dir, "train"));
        assertNames(e, dir.resolve("train-labels-idx1-ubyte.gz"), 10);
        assertTrue(e.getMessage().contains("label 11"), e.getMessage());
    }

    @Test
    void mnistLoadReadsPlainFilesAndNamesMissingOnes() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plain"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 5, 6));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(2));
        ByteImageDataset ds = MnistDataset.load(dir, "t10k");
        assertArrayEquals(new int[] {1, 5, 6}, ds.imageShape());
        assertEquals(1, ds.label(1));
        IOException e = assertThrows(IOException.class, () -> MnistDataset.load(dir, "train"));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    static void assertNames(CorruptDataException e, Path file, long offset) {
        assertEquals(file, e.file());
        assertEquals(offset, e.offset());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset " + offset), e.getMessage());
    }

    private Path write(String name, byte[] b) throws IOException {
        return Files.write(tmp.resolve(name), b);
    }

    /** A valid idx3 file whose pixels are (index * 7) mod 256. */
    static byte[] images(int count, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count * rows * cols; i++) b.put((byte) (i * 7));
        return b.array();
    }

    /** A valid idx1 file with labels i mod 10. */
    static byte[] labels(int count) {
        ByteBuffer b = ByteBuffer.allocate(8 + count);
        b.putInt(IdxReader.LABELS_MAGIC).putInt(count);
        for (int i = 0; i < count; i++) b.put((byte) (i % 10));
        return b.array();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    private static int[] firstLabels(Dataset ds, int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = ds.label(i);
        return l;
    }
}
