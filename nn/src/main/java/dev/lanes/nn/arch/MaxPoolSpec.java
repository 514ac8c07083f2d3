package dev.lanes.nn.arch;

/** Max pooling with a square window. */
public record MaxPoolSpec(int kernel, int stride, int padding) implements LayerSpec {
    public MaxPoolSpec {
        LayerSpec.positive("max pool kernel", kernel);
        LayerSpec.positive("max pool stride", stride);
        LayerSpec.nonNegative("max pool padding", padding);
    }
}
