package dev.lanes.nn.arch;

/** Mean over H and W: [N, C, H, W] to [N, C]. */
public record GlobalAvgPoolSpec() implements LayerSpec {}
