package dev.lanes.training.data;

/**
 * A finite, indexable set of labelled images. Pixel values come out as floats in [0, 1]; normalisation and
 * augmentation are the {@link DataLoader}'s job, so a dataset stays a plain read-only table that several
 * loaders (and threads) can share.
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** Shape of one image, {@code [C, H, W]}. */
    int[] imageShape();

    /** Number of classes; labels are in {@code [0, numClasses)}. */
    int numClasses();

    /**
     * Writes sample {@code index} (C*H*W floats in [0, 1], CHW order) into {@code dst} from {@code offset}
     * and returns its label. Must be safe to call from several threads at once.
     */
    int get(int index, float[] dst, int offset);

    /** The label of sample {@code index} without reading its pixels. */
    int label(int index);

    /** Floats per image, C*H*W. */
    default int imageSize() {
        int[] s = imageShape();
        return s[0] * s[1] * s[2];
    }

    /** A view of samples {@code [from, to)}; no copy. */
    default Dataset subset(int from, int to) {
        return new SubsetDataset(this, from, to);
    }
}
