/**
 * Lanes training: data readers and loader, trainer, training methods.
 *
 * <p>API: {@code dev.lanes.training}, {@code dev.lanes.training.data}, {@code dev.lanes.training.methods},
 * {@code dev.lanes.training.experiment}, {@code dev.lanes.training.constrained} and {@code dev.lanes.training.lowrank}. The command-line tool
 * ({@code dev.lanes.training.cli}, started with {@code -m dev.lanes.training/dev.lanes.training.cli.Lanes}) is
 * not exported; the training-step benchmark behind {@code lanes bench step} ({@code dev.lanes.training.bench})
 * is exported only to the JMH benchmarks module.
 */
@SuppressWarnings("module") // the qualified export names a module built after this one
module dev.lanes.training {
    requires transitive dev.lanes.nn;
    requires jdk.management; // process CPU time for the experiments

    exports dev.lanes.training;
    exports dev.lanes.training.data;
    exports dev.lanes.training.methods;
    exports dev.lanes.training.experiment;
    exports dev.lanes.training.constrained;
    exports dev.lanes.training.lowrank;
    exports dev.lanes.training.bench to dev.lanes.jmh;
}
