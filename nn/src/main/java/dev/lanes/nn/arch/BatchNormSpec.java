package dev.lanes.nn.arch;

/** Batch normalisation over the channels of an NCHW tensor (weight, bias, running_mean, running_var). */
public record BatchNormSpec(int channels, float momentum, float eps) implements LayerSpec {
    public static final float DEFAULT_MOMENTUM = 0.1f;
    public static final float DEFAULT_EPS = 1e-5f;

    public BatchNormSpec {
        LayerSpec.positive("batch norm channels", channels);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("batch norm momentum must be in [0, 1] but was " + momentum);
        if (!(eps > 0)) throw new IllegalArgumentException("batch norm eps must be > 0 but was " + eps);
    }

    public BatchNormSpec(int channels) { this(channels, DEFAULT_MOMENTUM, DEFAULT_EPS); }

    public BatchNormSpec withChannels(int c) { return new BatchNormSpec(c, momentum, eps); }
}
