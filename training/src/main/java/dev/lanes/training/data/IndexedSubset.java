package dev.lanes.training.data;

/** The samples of another dataset at given indices, in that order, without copying pixels. */
final class IndexedSubset implements Dataset {
    private final Dataset base;
    private final int[] indices;

    IndexedSubset(Dataset base, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) throw new IllegalArgumentException("index " + i + " out of range for a dataset of " + base.size() + " samples");
        }
        this.base = base;
        this.indices = indices.clone();
    }

    @Override public int size() { return indices.length; }
    @Override public int[] imageShape() { return base.imageShape(); }
    @Override public int numClasses() { return base.numClasses(); }
    @Override public int imageSize() { return base.imageSize(); }

    @Override
    public int get(int index, float[] dst, int offset) {
        return base.get(indices[checked(index)], dst, offset);
    }

    @Override
    public int label(int index) {
        return base.label(indices[checked(index)]);
    }

    private int checked(int index) {
        if (index < 0 || index >= indices.length) throw new IndexOutOfBoundsException("sample " + index + " of a subset of " + indices.length);
        return index;
    }
}
