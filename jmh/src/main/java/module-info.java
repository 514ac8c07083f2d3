/**
 * Lanes JMH benchmarks. The module boundary is checked at compile time; the shaded
 * {@code jmh/target/benchmarks.jar} drops module descriptors and runs on the class path, as JMH expects.
 */
module dev.lanes.jmh {
    requires dev.lanes.training;
    requires jmh.core;

    // JMH's generated harness and its reflection reach into the benchmark states
    opens dev.lanes.jmh;
}
