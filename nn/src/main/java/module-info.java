/** Lanes nn: layers with hand-written backward passes, losses, optimizers, model zoo, save/load. */
module dev.lanes.nn {
    requires transitive dev.lanes.engine;

    exports dev.lanes.nn;
    exports dev.lanes.nn.arch;
    exports dev.lanes.nn.surgery;
    exports dev.lanes.nn.param;
    exports dev.lanes.nn.optim;
    exports dev.lanes.nn.io;
    exports dev.lanes.nn.layers;
    exports dev.lanes.nn.init;
    exports dev.lanes.nn.zoo;
}
