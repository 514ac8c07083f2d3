package dev.lanes.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads for data-parallel loops.
 *
 * <p>Work is split statically: {@code [0, n)} becomes {@code chunks} contiguous ranges that depend only on
 * {@code n}, the grain and the thread count, so a kernel that reduces per chunk gives the same bits on every
 * run with the same thread count. A call made while the pool is busy (a nested call from inside a chunk, or
 * a second thread) runs the same chunks one after another on the calling thread: same partition, same result.
 *
 * <p>Dispatch allocates nothing: the task is handed over in fields and workers are woken with
 * {@link LockSupport#unpark}, spinning briefly first because kernel calls come in quick succession.
 * Workers and the caller claim chunks from a shared counter, so a worker that the OS has not scheduled
 * yet delays nobody: the caller runs its chunk.
 *
 * <p>The thread count comes from {@link #setThreads}, else the system property {@code lanes.threads}, else
 * the number of available processors.
 */
public final class Parallel {
    /** A loop body over the half-open range {@code [begin, end)}; {@code chunk} is the range's index. */
    @FunctionalInterface
    public interface Body {
        void run(int chunk, int begin, int end);
    }

    /** Chunks are counted in 16 bits of the pool's claim word, and there are at most as many as threads. */
    static final int MAX_THREADS = 0xFFFF;
    private static final int SPINS = 20_000;
    private static volatile Pool pool = new Pool(defaultThreads());

    private Parallel() {}

    private static int defaultThreads() {
        String p = System.getProperty("lanes.threads");
        if (p != null && !p.isBlank()) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1 && t <= MAX_THREADS) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the default below
            }
            throw new IllegalArgumentException("system property lanes.threads must be an integer in [1, " + MAX_THREADS + "] but is '" + p + "'");
        }
        return Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
    }

    /** The number of threads loops are split over (the caller counts as one). */
    public static int threads() {
        return pool.threads;
    }

    /** Replaces the pool with one of {@code n} threads. Not to be called while a loop is running. */
    public static synchronized void setThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new IllegalArgumentException("thread count must be in [1, " + MAX_THREADS + "] but is " + n);
        }
        if (n == pool.threads) return;
        Pool old = pool;
        pool = new Pool(n);
        old.shutdown();
    }

    /** How many chunks {@link #forRange} cuts {@code n} items into, with at least {@code grain} items each. */
    public static int chunks(int n, int grain) {
        if (n <= 0) return 0;
        int byGrain = (int) Math.max(1, Math.min(Integer.MAX_VALUE, ((long) n + Math.max(1, grain) - 1) / Math.max(1, grain)));
        return Math.min(threads(), byGrain);
    }

    /** Start of chunk {@code c} of {@code chunks} over {@code n} items. */
    public static int chunkStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into {@link #chunks(int, int)} ranges, in parallel when the
     * pool is free. Returns when every range is done; rethrows the first exception a range threw.
     */
    public static void forRange(int n, int grain, Body body) {
        int chunks = chunks(n, grain);
        if (chunks == 0) return;
        pool.run(n, chunks, body);
    }

    private static final class Pool {
        final int threads;
        private final Worker[] workers;
        private final AtomicBoolean busy = new AtomicBoolean();
        // (generation << 32) | (chunks << 16) | next unclaimed chunk. The chunk count travels in the same word
        // as the counter: a worker still looping over the last task that read the counter from one word and
        // the count from a plain field could pair the last task's counter with the next task's count, run a
        // chunk twice and miscount 'done' (seen as doubled chunks and a caller parked forever). A late worker
        // now fails its compare-and-set.
        private final AtomicLong claim = new AtomicLong();
        private final AtomicInteger done = new AtomicInteger();
        private volatile int generation;
        private volatile Thread caller;
        // the task in flight; written before 'claim' is published, read only after a successful claim
        private Body body;
        private int n;
        private volatile Throwable failure;

        Pool(int threads) {
            this.threads = threads;
            this.workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        void run(int n, int chunks, Body body) {
            if (chunks == 1 || workers.length == 0 || !busy.compareAndSet(false, true)) {
                runInline(n, chunks, body);
                return;
            }
            try {
                int gen = generation + 1;
                this.body = body;
                this.n = n;
                this.failure = null;
                this.caller = Thread.currentThread();
                done.set(0);
                claim.set(((long) gen << 32) | ((long) chunks << 16));
                generation = gen;
                for (int i = 0; i < Math.min(chunks - 1, workers.length); i++) workers[i].wake();
                // Chunks are claimed, not assigned: when a worker is slow to wake (the other core is busy),
                // the caller runs its chunk instead of waiting. The chunk boundaries stay fixed, so results
                // do not depend on who ran what.
                work(gen);
                awaitChunks(chunks);
                Throwable f = failure;
                this.body = null;
                if (f != null) rethrow(f);
            } finally {
                busy.set(false);
            }
        }

        private static void runInline(int n, int chunks, Body body) {
            for (int c = 0; c < chunks; c++) {
                body.run(c, chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
            }
        }

        /** Claims and runs chunks of task {@code gen} until none are left. */
        void work(int gen) {
            while (true) {
                long c = claim.get();
                int chunks = (int) (c >>> 16) & 0xFFFF, chunk = (int) c & 0xFFFF;
                if ((int) (c >>> 32) != gen || chunk >= chunks) return;
                if (!claim.compareAndSet(c, c + 1)) continue;
                try {
                    body.run(chunk, chunkStart(n, chunks, chunk), chunkStart(n, chunks, chunk + 1));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (done.incrementAndGet() == chunks) LockSupport.unpark(caller);
                }
            }
        }

        private void awaitChunks(int chunks) {
            for (int spin = 0; done.get() != chunks; spin++) {
                if (spin < SPINS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
        }

        void shutdown() {
            for (Worker w : workers) w.stopRunning();
        }

        private static void rethrow(Throwable t) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException(t);
        }
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        private volatile boolean stopped;
        private int seen;

        Worker(Pool pool, int index) {
            super("lanes-worker-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        void wake() {
            LockSupport.unpark(this);
        }

        void stopRunning() {
            stopped = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                int g;
                for (int spin = 0; (g = pool.generation) == seen && !stopped; spin++) {
                    if (spin < SPINS) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                if (stopped) return;
                seen = g;
                pool.work(g);
            }
        }
    }
}
