package dev.lanes.training.data;

import static dev.lanes.training.data.IdxReaderTest.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged IDX and CIFAR-10 files, plain and gzipped: every truncation point, every byte flipped (every mask for
 * header bytes, a random one elsewhere), and random multi-byte corruption. Each read must either succeed with
 * what the bytes say or throw a {@link CorruptDataException} naming the file and an offset inside it; any other
 * exception fails the test with its stack trace. Where the outcome is certain (a cut file, a flipped header
 * byte, a flipped label out of range) the test demands the exception and its exact offset.
 */
class DataReaderFuzzTest {
    @TempDir Path tmp;

    private static final int IMAGES = 3, ROWS = 4, COLS = 5;
    private static final int IDX3_HEADER = 16, IDX1_HEADER = 8;

    /** A reader under test: returns a digest of what it read (to compare a successful read with the bytes). */
    private interface Reader {
        byte[] read(Path file) throws IOException;
    }

    private static final Reader IMAGES_READER = f -> IdxReader.readImages(f).pixels();
    private static final Reader LABELS_READER = IdxReader::readLabels;
    /** The records back as bytes: label, then the pixels recovered from the [0, 1] floats. */
    private static final Reader CIFAR_READER = f -> {
        ByteImageDataset ds = Cifar10Reader.read(List.of(f));
        byte[] records = new byte[ds.size() * Cifar10Reader.RECORD_BYTES];
        float[] img = new float[Cifar10Reader.IMAGE_BYTES];
        for (int i = 0; i < ds.size(); i++) {
            records[i * Cifar10Reader.RECORD_BYTES] = (byte) ds.get(i, img, 0);
            for (int k = 0; k < img.length; k++) records[i * Cifar10Reader.RECORD_BYTES + 1 + k] = (byte) Math.round(img[k] * 255);
        }
        return records;
    };

    // --- truncation ---

    @Test
    void everyTruncationOfAnIdxFileIsRefusedAtTheCut() throws IOException {
        truncations(IdxReaderTest.images(IMAGES, ROWS, COLS), IMAGES_READER, t -> t);
        truncations(IdxReaderTest.labels(7), LABELS_READER, t -> t);
    }

    @Test
    void everyTruncationOfACifarBatchIsRefusedAtTheBrokenRecord() throws IOException {
        // the zero-byte file too: an empty batch is not a batch of 0 records
        byte[] records = Cifar10ReaderTest.records(2);
        truncations(records, CIFAR_READER, t -> t - t % Cifar10Reader.RECORD_BYTES);
        // CIFAR-10 has no header: a cut between records leaves a valid, shorter batch
        byte[] first = Arrays.copyOf(records, Cifar10Reader.RECORD_BYTES);
        assertArrayEquals(first, CIFAR_READER.read(Files.write(tmp.resolve("one-record"), first)));
    }

    @Test
    void everyTruncationOfAGzippedFileIsRefused() throws IOException {
        for (byte[] content : List.of(IdxReaderTest.images(IMAGES, ROWS, COLS), IdxReaderTest.labels(7), Cifar10ReaderTest.records(2))) {
            Reader reader = content.length == IDX3_HEADER + IMAGES * ROWS * COLS ? IMAGES_READER
                    : content.length == IDX1_HEADER + 7 ? LABELS_READER : CIFAR_READER;
            truncations(gzip(content), reader, null);
        }
    }

    private interface ExpectedOffset {
        long at(int cut);
    }

    /**
     * Reads every proper prefix of {@code full}; each must be refused, at {@code expected.at(cut)} when given
     * (except, for a plain CIFAR-10 batch, a cut at a record boundary).
     */
    private void truncations(byte[] full, Reader reader, ExpectedOffset expected) throws IOException {
        Path f = tmp.resolve("cut");
        for (int cut = 0; cut < full.length; cut++) {
            if (reader == CIFAR_READER && expected != null && cut > 0 && cut % Cifar10Reader.RECORD_BYTES == 0) continue;
            Files.write(f, Arrays.copyOf(full, cut));
            CorruptDataException e = mustRefuse(reader, f, "cut at " + cut + " of " + full.length);
            if (expected != null) assertEquals(expected.at(cut), e.offset(), "cut at " + cut + ": " + e.getMessage());
            else assertTrue(e.offset() >= 0, "cut at " + cut + ": negative offset in " + e.getMessage());
        }
    }

    /** Headers that no single flip makes: sizes whose products overflow an int or a long. */
    @Test
    void headersWithHugeSizesAreRefused() throws IOException {
        int[][] headers = {{0, 65_536, 65_536}, {1, 65_536, 65_536}, {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE},
                {Integer.MAX_VALUE, 46_341, 46_340}, {3, Integer.MAX_VALUE, 1}};
        for (int[] h : headers) {
            // no images, no body: the header alone must be refused, not read as 0 images of an impossible size
            byte[] b = java.nio.ByteBuffer.allocate(IDX3_HEADER + (h[0] == 0 ? 0 : 60)).putInt(IdxReader.IMAGES_MAGIC)
                    .putInt(h[0]).putInt(h[1]).putInt(h[2]).array();
            String what = h[0] + " images of " + h[1] + "x" + h[2];
            CorruptDataException e = mustRefuse(IMAGES_READER, Files.write(tmp.resolve("huge"), b), what);
            assertTrue(e.offset() <= b.length, what + ": " + e.getMessage());
        }
    }

    // --- single byte flips ---

    @Test
    void everyFlippedIdxHeaderByteIsRefusedAndBodyBytesAreReadAsTheyAre() throws IOException {
        byte[] images = IdxReaderTest.images(IMAGES, ROWS, COLS);
        flips(images, IDX3_HEADER, IMAGES_READER, (flipped, at, read) ->
                assertArrayEquals(Arrays.copyOfRange(flipped, IDX3_HEADER, flipped.length), read, "flip at " + at));
        byte[] labels = IdxReaderTest.labels(7);
        flips(labels, IDX1_HEADER, LABELS_READER, (flipped, at, read) ->
                assertArrayEquals(Arrays.copyOfRange(flipped, IDX1_HEADER, flipped.length), read, "flip at " + at));
    }

    @Test
    void aFlippedMnistLabelIsRefusedExactlyWhenItLeavesZeroToNine() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mnist"));
        Files.write(dir.resolve("train-images-idx3-ubyte"), IdxReaderTest.images(IMAGES, ROWS, COLS));
        Path labelsFile = dir.resolve("train-labels-idx1-ubyte");
        byte[] labels = IdxReaderTest.labels(IMAGES);
        SplittableRandom rnd = new SplittableRandom(11);
        for (int at = 0; at < labels.length; at++) {
            for (int mask = 1; mask < 256; mask++) {
                if (at >= IDX1_HEADER && rnd.nextInt(8) != 0) continue; // a sample of masks for label bytes
                byte[] b = labels.clone();
                b[at] ^= (byte) mask;
                Files.write(labelsFile, b);
                String what = "label file flip at " + at + " mask " + mask;
                boolean mustFail = at < IDX1_HEADER || (b[at] & 0xFF) >= 10;
                try {
                    ByteImageDataset ds = MnistDataset.load(dir, "train");
                    if (mustFail) fail(what + ": read " + ds.size() + " images instead of refusing");
                    assertEquals(b[at] & 0xFF, ds.label(at - IDX1_HEADER), what);
                } catch (CorruptDataException e) {
                    assertNamesFile(e, labelsFile, b.length, what);
                    if (!mustFail) fail(what + ": refused a valid label file: " + e.getMessage());
                    if (at >= IDX1_HEADER) assertEquals(at, e.offset(), what);
                } catch (Throwable t) {
                    fail(what + ": threw " + stackTrace(t));
                }
            }
        }
    }

    @Test
    void aFlippedCifarLabelIsRefusedExactlyWhenItLeavesZeroToNineAndPixelsAreReadAsTheyAre() throws IOException {
        byte[] records = Cifar10ReaderTest.records(2);
        Path f = tmp.resolve("flip.bin");
        SplittableRandom rnd = new SplittableRandom(12);
        for (int at = 0; at < records.length; at++) {
            boolean labelByte = at % Cifar10Reader.RECORD_BYTES == 0;
            int mask = labelByte ? 0 : 1 + rnd.nextInt(255);
            for (int m = labelByte ? 1 : mask; m <= (labelByte ? 255 : mask); m++) {
                byte[] b = records.clone();
                b[at] ^= (byte) m;
                Files.write(f, b);
                String what = "CIFAR flip at " + at + " mask " + m;
                boolean mustFail = labelByte && (b[at] & 0xFF) >= 10;
                try {
                    byte[] read = CIFAR_READER.read(f);
                    if (mustFail) fail(what + ": read a label " + (b[at] & 0xFF));
                    assertArrayEquals(b, read, what);
                } catch (CorruptDataException e) {
                    assertNamesFile(e, f, b.length, what);
                    if (!mustFail) fail(what + ": refused a valid batch: " + e.getMessage());
                    assertEquals(at, e.offset(), what);
                } catch (Throwable t) {
                    fail(what + ": threw " + stackTrace(t));
                }
            }
        }
    }

    @Test
    void aFlippedByteOfAGzippedFileIsRefusedOrChangesNothing() throws IOException {
        SplittableRandom rnd = new SplittableRandom(13);
        for (byte[] content : List.of(IdxReaderTest.images(IMAGES, ROWS, COLS), IdxReaderTest.labels(7), Cifar10ReaderTest.records(2))) {
            Reader reader = content.length == IDX3_HEADER + IMAGES * ROWS * COLS ? IMAGES_READER
                    : content.length == IDX1_HEADER + 7 ? LABELS_READER : CIFAR_READER;
            byte[] gz = gzip(content), original = readGood(reader, gz);
            for (int at = 0; at < gz.length; at++) {
                byte[] b = gz.clone();
                b[at] ^= (byte) (1 + rnd.nextInt(255));
                // the gzip header's time stamp, flags and OS bytes may be ignored; the content then is the same
                byte[] read = readOrRefuse(reader, b, "gzip flip at " + at + " of " + gz.length);
                if (read != null) assertArrayEquals(original, read, "gzip flip at " + at + " was read as other data");
            }
        }
    }

    // --- random multi-byte damage ---

    @Test
    void randomDamageIsRefusedOrRead() throws IOException {
        SplittableRandom rnd = new SplittableRandom(14);
        List<byte[]> files = List.of(IdxReaderTest.images(IMAGES, ROWS, COLS), IdxReaderTest.labels(7), Cifar10ReaderTest.records(2));
        List<Reader> readers = List.of(IMAGES_READER, LABELS_READER, CIFAR_READER);
        for (int trial = 0; trial < 600; trial++) {
            int which = trial % 3;
            byte[] b = trial % 2 == 0 ? files.get(which).clone() : gzip(files.get(which));
            int flips = 2 + rnd.nextInt(7);
            for (int i = 0; i < flips; i++) b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
            if (rnd.nextInt(4) == 0) b = Arrays.copyOf(b, rnd.nextInt(b.length)); // sometimes cut as well
            readOrRefuse(readers.get(which), b, "trial " + trial);
        }
    }

    /** Writes and reads {@code b}: the read's result, or null when it was refused as it should be. */
    private byte[] readOrRefuse(Reader reader, byte[] b, String what) throws IOException {
        Path f = Files.write(tmp.resolve("damaged"), b);
        try {
            return reader.read(f);
        } catch (CorruptDataException e) {
            assertTrue(e.offset() >= 0, what + ": negative offset in " + e.getMessage());
            assertNamesFile(e, f, Long.MAX_VALUE, what);
            return null;
        } catch (Throwable t) {
            return fail(what + ": threw " + stackTrace(t));
        }
    }

    private byte[] readGood(Reader reader, byte[] b) throws IOException {
        return reader.read(Files.write(tmp.resolve("good"), b));
    }

    /** For each byte before {@code header}: every mask must be refused; after: a random mask must read as flipped. */
    private void flips(byte[] file, int header, Reader reader, BodyCheck body) throws IOException {
        Path f = tmp.resolve("flip");
        SplittableRandom rnd = new SplittableRandom(file.length);
        for (int at = 0; at < file.length; at++) {
            int from = at < header ? 1 : 1 + rnd.nextInt(255), to = at < header ? 255 : from;
            for (int mask = from; mask <= to; mask++) {
                byte[] b = file.clone();
                b[at] ^= (byte) mask;
                Files.write(f, b);
                String what = "flip at " + at + " mask " + mask;
                if (at < header) {
                    CorruptDataException e = mustRefuse(reader, f, what);
                    assertTrue(e.offset() <= b.length, what + ": offset beyond the file in " + e.getMessage());
                } else {
                    try {
                        body.check(b, at, reader.read(f));
                    } catch (Throwable t) {
                        fail(what + ": a flipped body byte must read as it is, but: " + stackTrace(t));
                    }
                }
            }
        }
    }

    private interface BodyCheck {
        void check(byte[] flipped, int at, byte[] read);
    }

    private static CorruptDataException mustRefuse(Reader reader, Path f, String what) throws IOException {
        long size = Files.size(f);
        try {
            reader.read(f);
        } catch (CorruptDataException e) {
            assertNamesFile(e, f, Long.MAX_VALUE, what);
            return e;
        } catch (Throwable t) {
            fail(what + ": threw " + stackTrace(t));
        }
        return fail(what + ": a damaged file of " + size + " bytes was read without complaint");
    }

    /** The exception names the file, and its offset (in the message too) lies in [0, maxOffset]. */
    private static void assertNamesFile(CorruptDataException e, Path f, long maxOffset, String what) {
        assertEquals(f, e.file(), what);
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("byte offset " + e.offset()),
                what + ": message lacks the file or the offset: " + e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= maxOffset, what + ": offset out of range in " + e.getMessage());
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
