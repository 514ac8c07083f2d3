package dev.lanes.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final int originalThreads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(originalThreads);
    }

    @Property(tries = 200)
    void everyIndexRunsExactlyOnce(@ForAll @IntRange(min = 0, max = 5000) int n,
                                   @ForAll @IntRange(min = 1, max = 700) int grain,
                                   @ForAll @IntRange(min = 1, max = 5) int threads) {
        Parallel.setThreads(threads);
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        Parallel.forRange(n, grain, (chunk, begin, end) -> {
            for (int i = begin; i < end; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i);
        Parallel.setThreads(originalThreads);
    }

    @Property(tries = 100)
    void partitionDependsOnlyOnSizeGrainAndThreads(@ForAll @IntRange(min = 1, max = 3000) int n,
                                                   @ForAll @IntRange(min = 1, max = 300) int grain) {
        Parallel.setThreads(3);
        int chunks = Parallel.chunks(n, grain);
        assertTrue(chunks >= 1 && chunks <= 3);
        int[] starts = new int[chunks];
        int[] ends = new int[chunks];
        Parallel.forRange(n, grain, (chunk, begin, end) -> {
            starts[chunk] = begin;
            ends[chunk] = end;
        });
        for (int c = 0; c < chunks; c++) {
            assertEquals(Parallel.chunkStart(n, chunks, c), starts[c]);
            assertEquals(Parallel.chunkStart(n, chunks, c + 1), ends[c]);
        }
        Parallel.setThreads(originalThreads);
    }

    @Test
    void chunkedReductionGivesTheSameBitsEveryRun() {
        Parallel.setThreads(2);
        float[] x = new float[100_003];
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float first = chunkedSum(x);
        for (int run = 0; run < 50; run++) assertEquals(Float.floatToIntBits(first), Float.floatToIntBits(chunkedSum(x)));
    }

    private static float chunkedSum(float[] x) {
        int chunks = Parallel.chunks(x.length, 1000);
        float[] partial = new float[chunks];
        Parallel.forRange(x.length, 1000, (chunk, begin, end) -> {
            float s = 0;
            for (int i = begin; i < end; i++) s += x[i];
            partial[chunk] = s;
        });
        float s = 0;
        for (float p : partial) s += p;
        return s;
    }

    @Test
    void nestedCallsRunInlineWithTheSamePartition() {
        Parallel.setThreads(2);
        int[][] inner = new int[2][];
        Parallel.forRange(2, 1, (outer, b, e) -> {
            int[] seen = new int[Parallel.chunks(10, 1)];
            Parallel.forRange(10, 1, (chunk, begin, end) -> seen[chunk] = end - begin);
            inner[outer] = seen;
        });
        assertArrayEquals(inner[0], inner[1]);
        assertEquals(10, java.util.Arrays.stream(inner[0]).sum());
    }

    @Test
    void exceptionInAWorkerChunkReachesTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                Parallel.forRange(100, 1, (chunk, begin, end) -> {
                    if (chunk == 1) throw new IllegalStateException("boom in chunk 1");
                }));
        assertEquals("boom in chunk 1", e.getMessage());
        // the pool still works afterwards
        AtomicIntegerArray hits = new AtomicIntegerArray(100);
        Parallel.forRange(100, 1, (chunk, begin, end) -> {
            for (int i = begin; i < end; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < 100; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void aSecondChunkRunsOnAWorkerWhileTheCallerIsBusy() throws InterruptedException {
        Parallel.setThreads(2);
        String[] names = new String[2];
        java.util.concurrent.CountDownLatch secondRan = new java.util.concurrent.CountDownLatch(1);
        boolean[] sawSecond = new boolean[1];
        // chunk 0 holds the caller until chunk 1 has run: only a worker can have taken chunk 1 meanwhile
        Parallel.forRange(2, 1, (chunk, begin, end) -> {
            names[chunk] = Thread.currentThread().getName();
            if (chunk == 1) {
                secondRan.countDown();
            } else {
                try {
                    sawSecond[0] = secondRan.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertTrue(sawSecond[0], "chunk 1 never ran while chunk 0 waited");
        assertTrue(!names[0].equals(names[1]), "both chunks ran on " + names[0]);
    }

    /**
     * Back-to-back calls with alternating chunk counts, the pattern in which a worker still looping over the
     * last call could read the next call's chunk count beside the last call's claim counter and run (or count)
     * a chunk twice. Each call must see each of its chunks run exactly once, and all before it returns.
     */
    @Test
    void backToBackCallsWithChangingChunkCountsRunEachChunkOnce() {
        Parallel.setThreads(3);
        int[] runs = new int[3];
        Parallel.Body body = (chunk, begin, end) -> {
            synchronized (runs) {
                runs[chunk]++;
            }
        };
        for (int call = 0; call < 400_000; call++) {
            int n = 2 + call % 2; // 2 chunks, then 3
            Parallel.forRange(n, 1, body);
            synchronized (runs) {
                for (int c = 0; c < runs.length; c++) {
                    int expected = c < n ? 1 : 0;
                    if (runs[c] != expected) {
                        throw new AssertionError("call " + call + " over " + n + " chunks ran chunk " + c + " "
                                + runs[c] + " times before returning");
                    }
                    runs[c] = 0;
                }
            }
        }
    }

    @Test
    void rejectsBadThreadCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertTrue(e.getMessage().contains("0"));
    }
}
