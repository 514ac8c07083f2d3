package dev.lanes.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class StratifiedSplitProperties {
    @Property(tries = 60)
    void everySampleOnceAndEachClassKeepsItsShare(@ForAll @IntRange(min = 1, max = 5) int classes,
                                                   @ForAll @IntRange(min = 2, max = 40) int perClassMax,
                                                   @ForAll @DoubleRange(min = 0.1, max = 0.5) double fraction, @ForAll long seed) {
        // class c has 2 + (c * 7) % perClassMax samples, interleaved
        int[] counts = new int[classes];
        int n = 0;
        for (int c = 0; c < classes; c++) n += counts[c] = 2 + (c * 7) % perClassMax;
        int[] labels = new int[n];
        for (int i = 0, c = 0, left[] = counts.clone(); i < n; c = (c + 1) % classes) {
            if (left[c]-- > 0) labels[i++] = c;
        }
        Labelled ds = new Labelled(labels, classes);
        StratifiedSplit.Split s;
        try {
            s = StratifiedSplit.split(ds, fraction, seed);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("leaves no"), e.getMessage());
            return;
        }
        Set<Integer> seen = new HashSet<>();
        int[] testPerClass = new int[classes];
        for (Dataset part : new Dataset[] {s.train(), s.test()}) {
            for (int i = 0; i < part.size(); i++) {
                float[] x = new float[1];
                int label = part.get(i, x, 0);
                assertTrue(seen.add((int) x[0]), "sample " + x[0] + " twice");
                assertEquals(labels[(int) x[0]], label);
                if (part == s.test()) testPerClass[label]++;
            }
        }
        assertEquals(n, seen.size());
        for (int c = 0; c < classes; c++) assertEquals(Math.round(counts[c] * fraction), testPerClass[c], "class " + c);
        StratifiedSplit.Split again = StratifiedSplit.split(ds, fraction, seed);
        for (int i = 0; i < s.test().size(); i++) {
            float[] a = new float[1], b = new float[1];
            s.test().get(i, a, 0);
            again.test().get(i, b, 0);
            assertEquals(a[0], b[0], "same seed, same split");
        }
    }

    @Property(tries = 5)
    void fractionOutsideTheOpenIntervalIsRefused(@ForAll @DoubleRange(min = 1, max = 3) double f) {
        Labelled ds = new Labelled(new int[] {0, 1, 0, 1}, 2);
        assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.split(ds, f, 1));
        assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.split(ds, 1 - f, 1));
    }

    /** Sample i is the single value i with the given label. */
    private record Labelled(int[] labels, int numClasses) implements Dataset {
        @Override public int size() { return labels.length; }
        @Override public int[] imageShape() { return new int[] {1, 1, 1}; }
        @Override public int label(int index) { return labels[index]; }

        @Override
        public int get(int index, float[] dst, int offset) {
            dst[offset] = index;
            return labels[index];
        }
    }
}
