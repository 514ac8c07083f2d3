package dev.lanes.training.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reader of the CIFAR-10 binary version: each file is a sequence of 3073-byte records, one label byte
 * (0..9) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each 32x32 row-major — already CHW).
 * An empty file, a length that is not a whole number of records, or a label out of range is refused naming
 * the file and byte offset. Gzipped batches are read too.
 */
public final class Cifar10Reader {
    public static final int RECORD_BYTES = 3073;
    public static final int IMAGE_BYTES = 3072;
    public static final int NUM_CLASSES = 10;
    public static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    public static final float[] STD = {0.2470f, 0.2435f, 0.2616f};
    private static final List<String> TRAIN_FILES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    private static final String TEST_FILE = "test_batch.bin";
    private static final List<String> ALL_FILES = Stream.concat(TRAIN_FILES.stream(), Stream.of(TEST_FILE)).toList();

    private Cifar10Reader() {}

    /** Reads and concatenates the given batch files. */
    public static ByteImageDataset read(List<Path> files) throws IOException {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        for (Path f : files) {
            byte[] b = DataFiles.readAll(f);
            if (b.length == 0) {
                throw new CorruptDataException(f, 0, "empty: a CIFAR-10 batch holds at least one " + RECORD_BYTES
                        + "-byte record, but this file " + (Files.size(f) == 0 ? "has 0 bytes" : "decompresses to 0 bytes"));
            }
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
     * from {@code dir} (or its {@code cifar-10-batches-bin} subfolder, as the archive unpacks). A missing batch
     * is a {@link NoSuchFileException} naming every file the split lacks and those the folder has.
     */
    public static ByteImageDataset load(Path dir, String split) throws IOException {
        Path folder = batchFolder(dir);
        List<String> names = switch (split) {
            case "train" -> TRAIN_FILES;
            case "test" -> List.of(TEST_FILE);
            default -> throw new IllegalArgumentException("CIFAR-10 split must be 'train' or 'test' but is '" + split + "'");
        };
        List<Path> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            files.add(folder.resolve(name));
            if (!Files.isRegularFile(folder.resolve(name))) missing.add(name);
        }
        if (!missing.isEmpty()) {
            List<String> present = new ArrayList<>();
            for (String name : ALL_FILES) if (Files.isRegularFile(folder.resolve(name))) present.add(name);
            throw new NoSuchFileException(folder.resolve(missing.get(0)).toString(), null, "the CIFAR-10 " + split
                    + " split needs " + String.join(", ", names) + " in " + folder + "; missing: " + String.join(", ", missing)
                    + (present.isEmpty() ? "" : "; present: " + String.join(", ", present)));
        }
        return read(files);
    }

    /**
     * Whether {@code dir} has a {@code cifar-10-batches-bin} subfolder or holds any CIFAR-10 batch file,
     * so that a folder with some batches missing is still told apart from other data and {@link #load}
     * can name what is missing.
     */
    public static boolean holdsBatches(Path dir) {
        Path folder = batchFolder(dir);
        if (!folder.equals(dir)) return true; // the archive's own folder
        for (String name : ALL_FILES) if (Files.exists(folder.resolve(name))) return true;
        return false;
    }

    private static Path batchFolder(Path dir) {
        Path sub = dir.resolve("cifar-10-batches-bin");
        return Files.isDirectory(sub) ? sub : dir;
    }
}
