package dev.lanes.nn.arch;

/** max(0, x). */
public record ReluSpec() implements LayerSpec {}
