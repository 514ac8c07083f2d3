package dev.lanes.engine;

import java.util.function.Supplier;

/**
 * A {@link Parallel.Body} whose arguments live in fields, reused call after call. A capturing lambda handed
 * to {@link Parallel#forRange} is a new object per call (it escapes into the pool, so escape analysis cannot
 * remove it); a kernel family instead keeps one subclass of this per thread in a {@link PerThread}, sets its
 * fields and calls {@link #forRange}, so a steady-state training step allocates nothing.
 *
 * <p>Per thread, because kernels may be called from several threads at once. A task that is still running
 * on this thread (a kernel called from inside its own loop body) is never handed out twice: a fresh one is
 * made instead.
 */
public abstract class LoopTask implements Parallel.Body {
    private boolean inUse;

    /** Runs this task over {@code [0, n)} as {@link Parallel#forRange} does, then frees it for reuse. */
    public final void forRange(int n, int grain) {
        try {
            Parallel.forRange(n, grain, this);
        } finally {
            release();
        }
    }

    /** Frees the task without running it through {@link #forRange} (for callers that ran it inline). */
    public final void release() {
        clear();
        inUse = false;
    }

    /** Marks the task in use; false when it already was. */
    final boolean claim() {
        if (inUse) return false;
        inUse = true;
        return true;
    }

    /** Drops the references to the caller's arrays, so that an idle task keeps nothing alive. */
    protected abstract void clear();

    /** One reusable task of a kind per thread. */
    public static final class PerThread<T extends LoopTask> {
        private final Supplier<T> factory;
        private final ThreadLocal<T> tasks;

        public PerThread(Supplier<T> factory) {
            this.factory = factory;
            this.tasks = ThreadLocal.withInitial(factory);
        }

        /** This thread's task, or a new one when it is in use further up this thread's stack. */
        public T acquire() {
            T t = tasks.get();
            if (t.claim()) return t;
            t = factory.get();
            t.claim();
            return t;
        }
    }
}
