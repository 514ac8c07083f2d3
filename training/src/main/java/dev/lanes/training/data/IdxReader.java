package dev.lanes.training.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST, plain or gzipped (detected by the magic bytes 1f 8b).
 * Header fields are big-endian int32.
 *
 * <pre>
 *   images (idx3): magic 0x00000803, count, rows, cols, then count*rows*cols unsigned bytes
 *   labels (idx1): magic 0x00000801, count, then count unsigned bytes
 * </pre>
 *
 * Anything else — another magic, a header or body cut short, trailing bytes — is refused with a
 * {@link CorruptDataException} naming the file and the byte offset (of the decompressed content).
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** The content of an idx3 image file: {@code count} images of {@code rows x cols} bytes, row-major. */
    public record Images(Path file, int count, int rows, int cols, byte[] pixels) {}

    public static Images readImages(Path file) throws IOException {
        byte[] b = DataFiles.readAll(file);
        int count = header(file, b, IMAGES_MAGIC, "idx3 images", 16);
        int rows = DataFiles.readInt(b, 8);
        int cols = DataFiles.readInt(b, 12);
        if (rows <= 0 || cols <= 0) {
            throw new CorruptDataException(file, rows <= 0 ? 8 : 12, "image size " + rows + "x" + cols + " is not positive");
        }
        if ((long) rows * cols > Integer.MAX_VALUE) { // images are indexed by int; the count * size product then fits a long
            throw new CorruptDataException(file, 8, "image size " + rows + "x" + cols + " = " + (long) rows * cols
                    + " pixels is more than an image can hold (2^31 - 1)");
        }
        body(file, b, 16, (long) count * rows * cols, count + " images of " + rows + "x" + cols);
        return new Images(file, count, rows, cols, Arrays.copyOfRange(b, 16, b.length));
    }

    public static byte[] readLabels(Path file) throws IOException {
        byte[] b = DataFiles.readAll(file);
        int count = header(file, b, LABELS_MAGIC, "idx1 labels", 8);
        body(file, b, 8, count, count + " labels");
        return Arrays.copyOfRange(b, 8, b.length);
    }

    /** Checks magic and header length; returns the count. */
    private static int header(Path file, byte[] b, int magic, String kind, int headerBytes) throws CorruptDataException {
        if (b.length < 4) throw new CorruptDataException(file, b.length, "file ends inside the magic number (" + b.length + " bytes)");
        int m = DataFiles.readInt(b, 0);
        if (m != magic) {
            throw new CorruptDataException(file, 0, String.format("magic number 0x%08x but %s need 0x%08x", m, kind, magic));
        }
        if (b.length < headerBytes) {
            throw new CorruptDataException(file, b.length, "header truncated: " + kind + " need a " + headerBytes
                    + "-byte header but the file has " + b.length + " bytes");
        }
        int count = DataFiles.readInt(b, 4);
        if (count < 0) throw new CorruptDataException(file, 4, "negative record count " + count);
        return count;
    }

    private static void body(Path file, byte[] b, int headerBytes, long expected, String what) throws CorruptDataException {
        long actual = b.length - headerBytes;
        if (actual < expected) {
            throw new CorruptDataException(file, b.length, "truncated: header promises " + what + " (" + expected
                    + " bytes after the header) but the file ends after " + actual);
        }
        if (actual > expected) {
            throw new CorruptDataException(file, headerBytes + expected, (actual - expected)
                    + " unexpected trailing bytes after " + what);
        }
    }
}
