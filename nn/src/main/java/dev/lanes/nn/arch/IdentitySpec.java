package dev.lanes.nn.arch;

/** y = x: what a removed layer becomes, so paths of its siblings stay the same. */
public record IdentitySpec() implements LayerSpec {}
