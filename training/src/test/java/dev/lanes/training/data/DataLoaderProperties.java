package dev.lanes.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.resize.ImageResize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class DataLoaderProperties {
    /** The sample indices of one epoch, batch by batch, read back from the images. */
    static List<int[]> epoch(DataLoader loader, int epoch) {
        List<int[]> batches = new ArrayList<>();
        try (DataLoader.EpochIterator it = loader.epoch(epoch)) {
            while (it.hasNext()) {
                DataLoader.Batch b = it.next();
                int per = b.images().size() / b.size();
                int[] ids = new int[b.size()];
                for (int i = 0; i < b.size(); i++) {
                    ids[i] = (int) b.images().data()[i * per];
                    assertEquals(ids[i] % 10, b.labels()[i], "label travels with its image");
                    assertEquals(ids[i], b.indices()[i], "the batch names the dataset index of each row");
                }
                assertEquals(b.size(), b.images().dim(0));
                batches.add(ids);
            }
        }
        return batches;
    }

    @Property(tries = 30)
    void batchIndicesAreTheEpochOrderSliced(@ForAll @IntRange(min = 1, max = 200) int size, @ForAll @IntRange(min = 1, max = 40) int batch,
                                            @ForAll boolean prefetch, @ForAll @IntRange(max = 5) int epoch) {
        try (DataLoader loader = DataLoader.builder(new IndexDataset(size)).batchSize(batch).shuffle(true).seed(3).prefetch(prefetch).build()) {
            int[] order = loader.order(epoch);
            List<int[]> batches = epoch(loader, epoch);
            int at = 0;
            for (int[] ids : batches) {
                assertArrayEquals(Arrays.copyOfRange(order, at, at + ids.length), ids);
                at += ids.length;
            }
            assertEquals(size, at);
        }
    }

    @Example
    void batchesAreReusedNotAllocated() {
        try (DataLoader loader = DataLoader.builder(new IndexDataset(20)).batchSize(4).prefetch(false).build();
             DataLoader.EpochIterator it = loader.epoch(0)) {
            DataLoader.Batch first = it.next();
            assertTrue(first == it.next(), "one Batch per buffer, refilled in place");
        }
    }

    @Property(tries = 60)
    void everySampleExactlyOncePerEpoch(@ForAll @IntRange(min = 1, max = 300) int size, @ForAll @IntRange(min = 1, max = 64) int batch,
                                        @ForAll boolean shuffle, @ForAll boolean prefetch, @ForAll @IntRange(max = 5) int epoch) {
        try (DataLoader loader = DataLoader.builder(new IndexDataset(size)).batchSize(batch).shuffle(shuffle).seed(7).prefetch(prefetch).build()) {
            List<int[]> batches = epoch(loader, epoch);
            assertEquals((size + batch - 1) / batch, batches.size());
            assertEquals(loader.batchesPerEpoch(), batches.size());
            int[] seen = new int[size];
            for (int b = 0; b < batches.size(); b++) {
                int expected = b < batches.size() - 1 ? batch : size - b * batch;
                assertEquals(expected, batches.get(b).length, "only the last batch may be partial");
                for (int id : batches.get(b)) seen[id]++;
            }
            for (int i = 0; i < size; i++) assertEquals(1, seen[i], "sample " + i);
        }
    }

    @Property(tries = 60)
    void dropLastDropsOnlyThePartialBatch(@ForAll @IntRange(min = 1, max = 300) int size, @ForAll @IntRange(min = 1, max = 64) int batch) {
        try (DataLoader loader = DataLoader.builder(new IndexDataset(size)).batchSize(batch).shuffle(true).seed(3).dropLast(true).build()) {
            List<int[]> batches = epoch(loader, 0);
            assertEquals(size / batch, batches.size());
            assertEquals(size / batch * batch, loader.samplesPerEpoch());
            boolean[] seen = new boolean[size];
            for (int[] b : batches) {
                assertEquals(batch, b.length);
                for (int id : b) {
                    assertFalse(seen[id], "sample " + id + " twice");
                    seen[id] = true;
                }
            }
        }
    }

    @Property(tries = 40)
    void sameSeedSameOrderDifferentEpochDifferentOrder(@ForAll @IntRange(min = 10, max = 500) int size, @ForAll long seed,
                                                       @ForAll @IntRange(max = 1000) int epoch) {
        DataLoader a = DataLoader.builder(new IndexDataset(size)).shuffle(true).seed(seed).prefetch(false).build();
        DataLoader b = DataLoader.builder(new IndexDataset(size)).shuffle(true).seed(seed).prefetch(false).build();
        assertArrayEquals(a.order(epoch), b.order(epoch));
        // 10! permutations: a collision by chance has probability < 3e-7
        assertFalse(Arrays.equals(a.order(epoch), a.order(epoch + 1)), "epochs " + epoch + " and " + (epoch + 1));
        DataLoader c = DataLoader.builder(new IndexDataset(size)).shuffle(true).seed(seed + 1).prefetch(false).build();
        assertFalse(Arrays.equals(a.order(epoch), c.order(epoch)), "seeds " + seed + " and " + (seed + 1));
    }

    @Property(tries = 20)
    void prefetchingDoesNotChangeAugmentedBatches(@ForAll @IntRange(min = 1, max = 200) int size, @ForAll @IntRange(min = 1, max = 32) int batch,
                                                 @ForAll long seed) {
        byte[] pixels = new byte[size * 3 * 8 * 8];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 31 + 7);
        ByteImageDataset ds = new ByteImageDataset(pixels, new byte[size], new int[] {3, 8, 8}, 10);
        List<float[]> with = batches(ds, batch, seed, true), without = batches(ds, batch, seed, false);
        assertEquals(with.size(), without.size());
        for (int i = 0; i < with.size(); i++) assertArrayEquals(without.get(i), with.get(i), "batch " + i);
    }

    private static List<float[]> batches(Dataset ds, int batch, long seed, boolean prefetch) {
        List<float[]> out = new ArrayList<>();
        try (DataLoader l = DataLoader.builder(ds).batchSize(batch).shuffle(true).seed(seed).randomCrop(2).horizontalFlip(true)
                .normalize(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.25f, 0.3f}).prefetch(prefetch).build()) {
            for (int e = 0; e < 2; e++) {
                try (DataLoader.EpochIterator it = l.epoch(e)) {
                    while (it.hasNext()) out.add(it.next().images().toArray());
                }
            }
        }
        return out;
    }

    @Example
    void normalisesPerChannel() {
        byte[] pixels = {(byte) 255, (byte) 255, 0, 0}; // channel 0 white, channel 1 black (1x1 images, 2 channels... x2 samples)
        ByteImageDataset ds = new ByteImageDataset(pixels, new byte[] {1, 2}, new int[] {2, 1, 1}, 10);
        try (DataLoader l = DataLoader.builder(ds).batchSize(2).normalize(new float[] {0.5f, 0.25f}, new float[] {0.5f, 0.25f}).build()) {
            DataLoader.Batch b = l.epoch(0).next();
            assertArrayEquals(new float[] {1f, 3f, -1f, -1f}, b.images().toArray(), 1e-6f);
            assertArrayEquals(new int[] {1, 2}, Arrays.copyOf(b.labels(), 2));
        }
    }

    @Example
    void flipAndCropMoveContentWithoutInventingIt() {
        int n = 64;
        byte[] pixels = new byte[n * 16];
        for (int i = 0; i < n; i++) for (int k = 0; k < 16; k++) pixels[i * 16 + k] = (byte) (k + 1); // 4x4 ramp 1..16
        ByteImageDataset ds = new ByteImageDataset(pixels, new byte[n], new int[] {1, 4, 4}, 10);
        boolean sawFlip = false, sawShift = false, sawIdentity = false;
        try (DataLoader l = DataLoader.builder(ds).batchSize(n).randomCrop(1).horizontalFlip(true).seed(5).build()) {
            float[] x = l.epoch(0).next().images().toArray();
            for (int i = 0; i < n; i++) {
                float[] img = Arrays.copyOfRange(x, i * 16, i * 16 + 16);
                for (float v : img) assertTrue(v == 0f || Math.round(v * 255) >= 1 && Math.round(v * 255) <= 16, "value " + v);
                int nonZero = 0;
                for (float v : img) if (v != 0f) nonZero++;
                assertTrue(nonZero >= 9, "a shift by at most one pixel keeps a 3x3 core");
                sawIdentity |= Math.round(img[0] * 255) == 1 && Math.round(img[15] * 255) == 16;
                sawFlip |= Math.round(img[5] * 255) == 7 && Math.round(img[6] * 255) == 6; // row 1 mirrored, unshifted
                sawShift |= nonZero < 16;
            }
        }
        assertTrue(sawIdentity && sawFlip && sawShift, "64 draws show all three cases");
    }

    @Example
    void resizesImages() {
        try (DataLoader l = DataLoader.builder(new IndexDataset(5)).batchSize(5).resize(4, 6, ImageResize.Method.AREA).build()) {
            assertArrayEquals(new int[] {1, 4, 6}, l.imageShape());
            DataLoader.Batch b = l.epoch(0).next();
            assertArrayEquals(new int[] {5, 1, 4, 6}, b.images().shape());
            assertEquals(3f, b.images().get(3, 0, 2, 5), 1e-5f); // a constant image stays constant
        }
    }
}
