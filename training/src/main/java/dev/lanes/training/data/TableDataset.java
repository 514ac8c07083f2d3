package dev.lanes.training.data;

import java.util.Arrays;
import java.util.List;

/**
 * Rows of numeric features with a class label each, held as floats — tabular data such as Iris. A row of
 * {@code F} features is delivered as an "image" of shape {@code [F, 1, 1]}, so the {@link DataLoader}'s
 * per-channel normalisation is per-feature standardisation, and a model starts with a Flatten (or any layer
 * that takes {@code [N, F, 1, 1]}). Unlike image datasets the values are not scaled to [0, 1]: standardise
 * them with the statistics of the training split ({@link DatasetStats#meanStd}).
 */
public final class TableDataset implements Dataset {
    private final float[] features;
    private final int[] labels;
    private final int featureCount;
    private final List<String> featureNames;
    private final List<String> classNames;

    /**
     * @param features     {@code labels.length * featureNames.size()} values, row after row
     * @param labels       one class index per row, each in {@code [0, classNames.size())}
     */
    public TableDataset(float[] features, int[] labels, List<String> featureNames, List<String> classNames) {
        this.featureCount = featureNames.size();
        if (featureCount == 0) throw new IllegalArgumentException("a table needs at least one feature column");
        if (classNames.isEmpty()) throw new IllegalArgumentException("a table needs at least one class");
        if ((long) labels.length * featureCount != features.length) {
            throw new IllegalArgumentException(labels.length + " rows of " + featureCount + " features need "
                    + (long) labels.length * featureCount + " values but there are " + features.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is not in [0, " + classNames.size() + ")");
            }
        }
        this.features = features.clone();
        this.labels = labels.clone();
        this.featureNames = List.copyOf(featureNames);
        this.classNames = List.copyOf(classNames);
    }

    @Override public int size() { return labels.length; }
    @Override public int[] imageShape() { return new int[] {featureCount, 1, 1}; }
    @Override public int numClasses() { return classNames.size(); }
    @Override public int imageSize() { return featureCount; }

    public List<String> featureNames() { return featureNames; }

    /** Class names in label order: label {@code k} is {@code classNames().get(k)}. */
    public List<String> classNames() { return classNames; }

    @Override
    public int get(int index, float[] dst, int offset) {
        int label = label(index);
        System.arraycopy(features, index * featureCount, dst, offset, featureCount);
        return label;
    }

    @Override
    public int label(int index) {
        if (index < 0 || index >= labels.length) throw new IndexOutOfBoundsException("row " + index + " of " + labels.length);
        return labels[index];
    }

    @Override
    public String toString() {
        return "TableDataset(" + labels.length + " rows, features " + featureNames + ", classes " + classNames + ")";
    }

    /** The number of rows of each class, by label. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int l : labels) counts[l]++;
        return counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableDataset t && Arrays.equals(features, t.features) && Arrays.equals(labels, t.labels)
                && featureNames.equals(t.featureNames) && classNames.equals(t.classNames);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(labels) * 31 + featureNames.hashCode(); }
}
