package dev.lanes.nn.arch;

/** Average pooling with a square window (zero padding counted in the divisor, as the layer does). */
public record AvgPoolSpec(int kernel, int stride, int padding) implements LayerSpec {
    public AvgPoolSpec {
        LayerSpec.positive("avg pool kernel", kernel);
        LayerSpec.positive("avg pool stride", stride);
        LayerSpec.nonNegative("avg pool padding", padding);
    }
}
