package dev.lanes.training.data;

import java.util.Arrays;

/**
 * Images held in memory as unsigned bytes (0..255, CHW per image) with one label byte each — the storage
 * of MNIST and CIFAR-10. Bytes take a quarter of the memory of floats; scaling to [0, 1] happens in
 * {@link #get}.
 */
public final class ByteImageDataset implements Dataset {
    private static final float INV_255 = 1f / 255f;
    private final byte[] pixels;
    private final byte[] labels;
    private final int[] shape;
    private final int imageSize;
    private final int numClasses;

    /**
     * @param pixels     {@code labels.length * C*H*W} bytes, image after image
     * @param labels     one class index per image, each in {@code [0, numClasses)}
     * @param shape      {@code [C, H, W]}
     */
    public ByteImageDataset(byte[] pixels, byte[] labels, int[] shape, int numClasses) {
        if (shape.length != 3 || shape[0] <= 0 || shape[1] <= 0 || shape[2] <= 0) {
            throw new IllegalArgumentException("image shape must be [C, H, W] with positive sizes but is " + Arrays.toString(shape));
        }
        this.imageSize = shape[0] * shape[1] * shape[2];
        if ((long) labels.length * imageSize != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * imageSize
                    + " pixel bytes but there are " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i] & 0xFF;
            if (l >= numClasses) throw new IllegalArgumentException("label " + l + " of sample " + i + " is not below " + numClasses);
        }
        this.pixels = pixels;
        this.labels = labels;
        this.shape = shape.clone();
        this.numClasses = numClasses;
    }

    @Override public int size() { return labels.length; }
    @Override public int[] imageShape() { return shape.clone(); }
    @Override public int numClasses() { return numClasses; }
    @Override public int imageSize() { return imageSize; }

    @Override
    public int get(int index, float[] dst, int offset) {
        int label = label(index);
        int base = index * imageSize;
        for (int i = 0; i < imageSize; i++) dst[offset + i] = (pixels[base + i] & 0xFF) * INV_255;
        return label;
    }

    @Override
    public int label(int index) {
        if (index < 0 || index >= labels.length) throw new IndexOutOfBoundsException("sample " + index + " of " + labels.length);
        return labels[index] & 0xFF;
    }
}
