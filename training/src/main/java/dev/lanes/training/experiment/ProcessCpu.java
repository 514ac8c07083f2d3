package dev.lanes.training.experiment;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this JVM process (all its threads: compute pool, prefetch, JIT, GC). On a machine shared with
 * other jobs, wall time also counts the time other processes held the cores; CPU time counts only the work
 * done here, so it compares two arms more fairly when the load changes between them (it still rises
 * somewhat under contention, through caches and memory bandwidth).
 */
final class ProcessCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {}

    /** Seconds of CPU time used by the process so far; NaN if the platform does not tell. */
    static double seconds() {
        long ns = OS.getProcessCpuTime();
        return ns < 0 ? Double.NaN : ns / 1e9;
    }
}
