package dev.lanes.training.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader of the CIFAR-10 binary version: each file is a sequence of 3073-byte records, one label byte
 * (0..9) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each 32x32 row-major — already CHW).
 * A file whose length is not a whole number of records, or a label out of range, is refused naming the
 * file and byte offset. Gzipped batches are read too.
 */
public final class Cifar10Reader {
    public static final int RECORD_BYTES = 3073;
    public static final int IMAGE_BYTES = 3072;
    public static final int NUM_CLASSES = 10;
    public static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    public static final float[] STD = {0.2470f, 0.2435f, 0.2616f};

    private Cifar10Reader() {}

    /** Reads and concatenates the given batch files. */
    public static ByteImageDataset read(List<Path> files) throws IOException {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        for (Path f : files) {
            byte[] b = DataFiles.readAll(f);
            if (b.length % RECORD_BYTES != 0) {
                long lastStart = (long) (b.length / RECORD_BYTES) * RECORD_BYTES;
                throw new CorruptDataException(f, lastStart, "bad record size: " + b.length + " bytes is not a multiple of the "
                        + RECORD_BYTES + "-byte CIFAR-10 record; the last record has only " + (b.length - lastStart) + " bytes");
            }
            for (int at = 0; at < b.length; at += RECORD_BYTES) {
                int label = b[at] & 0xFF;
                if (label >= NUM_CLASSES) {
                    throw new CorruptDataException(f, at, "label " + label + " of record " + at / RECORD_BYTES + " is not in 0.." + (NUM_CLASSES - 1));
                }
                labels.write(label);
                pixels.write(b, at + 1, IMAGE_BYTES);
            }
        }
        return new ByteImageDataset(pixels.toByteArray(), labels.toByteArray(), new int[] {3, 32, 32}, NUM_CLASSES);
    }

    /**
     * Loads split {@code "train"} ({@code data_batch_1..5.bin}) or {@code "test"} ({@code test_batch.bin})
     * from {@code dir} (or its {@code cifar-10-batches-bin} subfolder, as the archive unpacks).
     */
    public static ByteImageDataset load(Path dir, String split) throws IOException {
        Path sub = dir.resolve("cifar-10-batches-bin");
        if (Files.isDirectory(sub)) dir = sub;
        List<Path> files = new ArrayList<>();
        switch (split) {
            case "train" -> { for (int i = 1; i <= 5; i++) files.add(dir.resolve("data_batch_" + i + ".bin")); }
            case "test" -> files.add(dir.resolve("test_batch.bin"));
            default -> throw new IllegalArgumentException("CIFAR-10 split must be 'train' or 'test' but is '" + split + "'");
        }
        return read(files);
    }
}
