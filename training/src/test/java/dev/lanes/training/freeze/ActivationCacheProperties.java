package dev.lanes.training.freeze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ActivationCacheProperties {
    /** What the suffix reads equals what put handed back, bit for bit, in memory and on disk alike. */
    @Property(tries = 40)
    void getReturnsTheBitsPutReturned(@ForAll @IntRange(min = 1, max = 40) int samples, @ForAll @IntRange(min = 1, max = 33) int values,
                                      @ForAll @IntRange(min = 0, max = 40) int inMemory, @ForAll ActivationCache.Precision precision,
                                      @ForAll long seed) throws Exception {
        Path dir = Files.createTempDirectory("cache-test");
        SplittableRandom r = new SplittableRandom(seed);
        float[][] expected = new float[samples][];
        try (ActivationCache cache = new ActivationCache(samples, values, precision, (long) inMemory * values * precision.bytes, dir)) {
            for (int s = samples - 1; s >= 0; s--) { // out of order, as shuffled batches come
                float[] v = new float[values + 3];
                for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-6, 6)));
                float[] original = v.clone();
                cache.put(s, v, 3);
                for (int i = 0; i < values; i++) {
                    float want = precision == ActivationCache.Precision.HALF ? Float.float16ToFloat(Float.floatToFloat16(original[3 + i])) : original[3 + i];
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(v[3 + i]));
                }
                expected[s] = java.util.Arrays.copyOfRange(v, 3, 3 + values);
            }
            assertEquals(samples, cache.size());
            assertEquals((long) samples * values * precision.bytes, cache.memoryBytes() + cache.diskBytes());
            assertEquals((long) Math.min(samples, inMemory) * values * precision.bytes, cache.memoryBytes());
            float[] got = new float[values + 1];
            for (int s = 0; s < samples; s++) {
                cache.get(s, got, 1);
                assertArrayEquals(expected[s], java.util.Arrays.copyOfRange(got, 1, 1 + values));
            }
        }
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "close deletes the spill file");
        }
        Files.delete(dir);
    }

    @Example
    void reportsMissingAndOutOfRangeSamples() {
        try (ActivationCache cache = new ActivationCache(4, 2, ActivationCache.Precision.HALF, 1 << 20, null)) {
            assertFalse(cache.contains(2));
            var e = assertThrows(IllegalStateException.class, () -> cache.get(2, new float[2], 0));
            assertTrue(e.getMessage().contains("sample 2"), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> cache.put(4, new float[2], 0));
            assertTrue(e2.getMessage().contains("0..3"), e2.getMessage());
            cache.put(1, new float[] {1, 2}, 0);
            assertTrue(cache.contains(1));
            cache.clear();
            assertFalse(cache.contains(1));
        }
    }

    @Example
    void overBudgetWithoutASpillFolderIsRefused() {
        try (ActivationCache cache = new ActivationCache(2, 4, ActivationCache.Precision.FULL, 16, null)) {
            cache.put(0, new float[4], 0);
            var e = assertThrows(IllegalStateException.class, () -> cache.put(1, new float[4], 0));
            assertTrue(e.getMessage().contains("spill"), e.getMessage());
        }
    }
}
