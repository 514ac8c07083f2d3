/** Lanes training: data readers and loader, trainer, command-line tool, training methods. */
module dev.lanes.training {
    requires transitive dev.lanes.nn;
    // compile-time only: the tests parse the SVG chart with the JDK's XML parser; nothing at run time needs it
    requires static java.xml;
    // compile-time only as well: StepAllocationTest reads the thread's allocated bytes
    requires static jdk.management;

    exports dev.lanes.training;
    exports dev.lanes.training.data;
    exports dev.lanes.training.cli;
    exports dev.lanes.training.bench;
}
