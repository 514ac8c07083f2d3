package dev.lanes.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The secondary results the benchmarks report beside their time: work done, as a rate or per time unit. */
public final class Counters {
    private Counters() {}

    /** Billions of floating-point operations done: GFLOPS in throughput mode (ms per GFLOP in average-time mode). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    /** Billions of bytes moved (each benchmark states its byte model): GB/s in throughput mode. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gb;
    }
}
