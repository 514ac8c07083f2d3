package dev.lanes.training.sparsity;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;

/**
 * What one layer's channels did over a dataset, after BN + ReLU: each channel's maximum activation, and for
 * feature selectivity (Mehta et al.'s definition) how many samples never exceeded 1e-3 of that maximum.
 *
 * <p>The selectivity needs the final maximum, so samples are seen twice: {@link #observeMaximum} over the
 * whole set first, then {@link #observeSelectivity}. Or once, by {@link #observe}, which keeps every sample's
 * per-channel maximum (C floats per sample) until the end. All accept [N, C, H, W] or [N, C] batches; one
 * instance uses one of the two ways.
 */
public final class ChannelActivity {
    public static final double DEAD_ACTIVATION = 1e-12;
    public static final double SELECTIVITY_FRACTION = 1e-3;

    private final int channels;
    private final float[] max;
    private final long[] quiet;
    private long samples;
    private final float[] sampleMax;
    private float[] kept = new float[0]; // one-pass: per sample, its per-channel maxima
    private int keptSamples;

    public ChannelActivity(int channels) {
        if (channels < 1) throw new IllegalArgumentException("channel activity needs >= 1 channel but got " + channels);
        this.channels = channels;
        this.max = new float[channels];
        this.quiet = new long[channels];
        this.sampleMax = new float[channels];
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
    }

    public int channels() { return channels; }

    /** First pass: the running per-channel maximum. */
    public void observeMaximum(Tensor batch) {
        int n = checked(batch), plane = plane(batch);
        float[] d = batch.data();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) {
                int base = batch.offset() + (i * channels + c) * plane;
                float m = max[c];
                for (int k = 0; k < plane; k++) m = Math.max(m, d[base + k]);
                max[c] = m;
            }
    }

    /** Both passes in one: the running maximum, and each sample's per-channel maxima kept for the selectivity. */
    public void observe(Tensor batch) {
        if (samples > 0) throw new IllegalStateException("channel activity: observe after observeSelectivity; use one way");
        int n = checked(batch), plane = plane(batch);
        if ((long) (keptSamples + n) * channels > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("channel activity: " + (keptSamples + n) + " samples × " + channels + " channels are too many to keep; use the two passes");
        if ((keptSamples + n) * channels > kept.length) kept = java.util.Arrays.copyOf(kept, Math.max(2 * kept.length, (keptSamples + n) * channels));
        float[] d = batch.data();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) {
                int base = batch.offset() + (i * channels + c) * plane;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < plane; k++) m = Math.max(m, d[base + k]);
                kept[(keptSamples + i) * channels + c] = m;
                max[c] = Math.max(max[c], m);
            }
        keptSamples += n;
    }

    /** Second pass: per sample and channel, whether it stayed below 1e-3 of the channel's maximum. */
    public void observeSelectivity(Tensor batch) {
        if (keptSamples > 0) throw new IllegalStateException("channel activity: observeSelectivity after observe; use one way");
        int n = checked(batch), plane = plane(batch);
        float[] d = batch.data();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int base = batch.offset() + (i * channels + c) * plane;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < plane; k++) m = Math.max(m, d[base + k]);
                sampleMax[c] = m;
            }
            for (int c = 0; c < channels; c++) if (!(sampleMax[c] > SELECTIVITY_FRACTION * max[c])) quiet[c]++;
            samples++;
        }
    }

    public float maximum(int channel) { return max[channel]; }

    /** Dead by activation: the maximum over the whole set stayed below 1e-12. */
    public boolean deadByActivation(int channel) { return !(max[channel] >= DEAD_ACTIVATION); }

    /** The fraction of samples on which the channel never exceeded 1e-3 of its maximum (1 for a dead channel). */
    public double selectivity(int channel) {
        if (deadByActivation(channel)) return 1.0;
        if (keptSamples > 0) {
            long q = 0;
            double bar = SELECTIVITY_FRACTION * max[channel];
            for (int i = 0; i < keptSamples; i++) if (!(kept[i * channels + channel] > bar)) q++;
            return (double) q / keptSamples;
        }
        return samples == 0 ? Double.NaN : (double) quiet[channel] / samples;
    }

    private int checked(Tensor batch) {
        int[] s = batch.shape();
        if ((s.length != 4 && s.length != 2) || s[1] != channels)
            throw new IllegalArgumentException("channel activity for " + channels + " channels got a batch " + Shapes.toString(s));
        return s[0];
    }

    private static int plane(Tensor batch) {
        int[] s = batch.shape();
        return s.length == 4 ? s[2] * s[3] : 1;
    }
}
