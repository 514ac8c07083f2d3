package dev.lanes.nn.arch;

/** Inverted dropout with drop probability p; the mask stream is seeded from the build seed. */
public record DropoutSpec(float p) implements LayerSpec {
    public DropoutSpec {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout p must be in [0, 1) but was " + p);
    }
}
