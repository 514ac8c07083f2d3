package dev.lanes.training.data;

/** Test dataset: image i is [1, 2, 3] filled with the value i, label i mod 10 — batches reveal which samples they hold. */
final class IndexDataset implements Dataset {
    private final int size;

    IndexDataset(int size) { this.size = size; }

    @Override public int size() { return size; }
    @Override public int[] imageShape() { return new int[] {1, 2, 3}; }
    @Override public int numClasses() { return 10; }
    @Override public int label(int index) { return index % 10; }

    @Override
    public int get(int index, float[] dst, int offset) {
        java.util.Arrays.fill(dst, offset, offset + 6, index);
        return label(index);
    }
}
