package dev.lanes.training.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * MNIST-style datasets: {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]}
 * in one folder. Fashion-MNIST uses the same names and layout, so it loads through here too.
 */
public final class MnistDataset {
    /** Per-channel mean and standard deviation of the MNIST training pixels in [0, 1]. */
    public static final float[] MEAN = {0.1307f};
    public static final float[] STD = {0.3081f};
    public static final int NUM_CLASSES = 10;

    private MnistDataset() {}

    /** Loads split {@code "train"} or {@code "t10k"} from {@code dir}; prefers the .gz files, else plain ones. */
    public static ByteImageDataset load(Path dir, String split) throws IOException {
        if (!split.equals("train") && !split.equals("t10k")) {
            throw new IllegalArgumentException("MNIST split must be 'train' or 't10k' but is '" + split + "'");
        }
        Path imagesFile = pick(dir, split + "-images-idx3-ubyte");
        Path labelsFile = pick(dir, split + "-labels-idx1-ubyte");
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        byte[] labels = IdxReader.readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new CorruptDataException(labelsFile, 4, "count mismatch: " + labels.length + " labels but "
                    + imagesFile + " holds " + images.count() + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i] & 0xFF;
            if (l >= NUM_CLASSES) {
                throw new CorruptDataException(labelsFile, 8L + i, "label " + l + " of record " + i + " is not in 0.." + (NUM_CLASSES - 1));
            }
        }
        return new ByteImageDataset(images.pixels(), labels, new int[] {1, images.rows(), images.cols()}, NUM_CLASSES);
    }

    private static Path pick(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (java.nio.file.Files.exists(gz)) return gz;
        Path plain = dir.resolve(base);
        return java.nio.file.Files.exists(plain) ? plain : gz; // the .gz name in the "not found" message
    }
}
