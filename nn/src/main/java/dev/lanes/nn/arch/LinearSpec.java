package dev.lanes.nn.arch;

import java.util.Objects;

/** y = x Wᵀ + b with weight [out, in]. */
public record LinearSpec(int in, int out, boolean bias, WeightFormat format) implements LayerSpec {
    public LinearSpec {
        LayerSpec.positive("linear in features", in);
        LayerSpec.positive("linear out features", out);
        Objects.requireNonNull(format, "weight format");
    }

    public LinearSpec(int in, int out, boolean bias) { this(in, out, bias, WeightFormat.FLOAT); }

    public LinearSpec withFeatures(int newIn, int newOut) { return new LinearSpec(newIn, newOut, bias, format); }
}
