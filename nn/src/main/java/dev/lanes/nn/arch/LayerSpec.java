package dev.lanes.nn.arch;

/**
 * The architecture of a model as a value: what each layer is, with no parameters or state. A spec is what
 * {@code Module.spec()} returns, what {@code Arch} builds a fresh module from, what the model file stores as
 * JSON, and what {@code ChannelFlow} and the surgeries read. Records validate their own fields.
 */
public sealed interface LayerSpec
        permits ConvSpec, BatchNormSpec, MaxPoolSpec, AvgPoolSpec, AdaptiveAvgPoolSpec, GlobalAvgPoolSpec,
                FlattenSpec, LinearSpec, DropoutSpec, ReluSpec, IdentitySpec, SequenceSpec, ResidualSpec {

    static int positive(String what, int v) {
        if (v < 1) throw new IllegalArgumentException(what + " must be >= 1 but was " + v);
        return v;
    }

    static int nonNegative(String what, int v) {
        if (v < 0) throw new IllegalArgumentException(what + " must be >= 0 but was " + v);
        return v;
    }
}
