package dev.lanes.training.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded train/test split that keeps each class's share: of the {@code m} samples of a class,
 * {@code round(m · testFraction)} go to the test split, chosen by a shuffle seeded by {@code (seed, class)}.
 * Both splits list their samples in the base dataset's order, so the split depends only on the labels, the
 * fraction and the seed.
 */
public final class StratifiedSplit {
    /** The two parts; together they hold every sample of the base dataset exactly once. */
    public record Split(Dataset train, Dataset test) {}

    private StratifiedSplit() {}

    public static Split split(Dataset ds, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1) but is " + testFraction);
        }
        int classes = ds.numClasses();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < ds.size(); i++) byClass.get(ds.label(i)).add(i);
        boolean[] test = new boolean[ds.size()];
        for (int c = 0; c < classes; c++) {
            List<Integer> members = byClass.get(c);
            int[] order = members.stream().mapToInt(Integer::intValue).toArray();
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 4, c));
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            int take = (int) Math.round(order.length * testFraction);
            for (int k = 0; k < take; k++) test[order[k]] = true;
        }
        int nTest = 0;
        for (boolean t : test) if (t) nTest++;
        if (nTest == 0 || nTest == ds.size()) {
            throw new IllegalArgumentException("a test fraction of " + testFraction + " of " + ds.size() + " samples leaves "
                    + (nTest == 0 ? "no test" : "no training") + " samples");
        }
        int[] trainIdx = new int[ds.size() - nTest], testIdx = new int[nTest];
        for (int i = 0, a = 0, b = 0; i < ds.size(); i++) {
            if (test[i]) testIdx[b++] = i;
            else trainIdx[a++] = i;
        }
        return new Split(new IndexedSubset(ds, trainIdx), new IndexedSubset(ds, testIdx));
    }
}
