package dev.lanes.nn.arch;

/** [N, C, H, W] to [N, C·H·W], channel-major (each channel's H·W values adjacent). */
public record FlattenSpec() implements LayerSpec {}
