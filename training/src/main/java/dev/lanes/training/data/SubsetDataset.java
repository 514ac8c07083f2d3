package dev.lanes.training.data;

/** A contiguous range {@code [from, to)} of another dataset, without copying. */
final class SubsetDataset implements Dataset {
    private final Dataset base;
    private final int from;
    private final int size;

    SubsetDataset(Dataset base, int from, int to) {
        if (from < 0 || to > base.size() || from > to) {
            throw new IllegalArgumentException("subset [" + from + ", " + to + ") out of range for a dataset of " + base.size() + " samples");
        }
        this.base = base;
        this.from = from;
        this.size = to - from;
    }

    @Override public int size() { return size; }
    @Override public int[] imageShape() { return base.imageShape(); }
    @Override public int numClasses() { return base.numClasses(); }

    @Override
    public int get(int index, float[] dst, int offset) {
        return base.get(checked(index), dst, offset);
    }

    @Override
    public int label(int index) {
        return base.label(checked(index));
    }

    private int checked(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("sample " + index + " of a subset of " + size);
        return from + index;
    }
}
