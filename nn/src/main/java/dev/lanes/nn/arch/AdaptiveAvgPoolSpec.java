package dev.lanes.nn.arch;

/** Average pooling to a fixed output size whatever the input resolution (PyTorch's AdaptiveAvgPool2d bins). */
public record AdaptiveAvgPoolSpec(int outH, int outW) implements LayerSpec {
    public AdaptiveAvgPoolSpec {
        LayerSpec.positive("adaptive pool output height", outH);
        LayerSpec.positive("adaptive pool output width", outW);
    }
}
