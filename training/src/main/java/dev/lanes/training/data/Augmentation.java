package dev.lanes.training.data;

import java.util.SplittableRandom;

/**
 * Random crop with zero padding and horizontal flip, applied to one CHW image in [0, 1] before
 * normalisation (so padding is black, as in the usual CIFAR recipe). Randomness comes from the caller's
 * generator, which the loader seeds per (epoch, batch) so results do not depend on threads or prefetching.
 */
record Augmentation(int cropPadding, boolean horizontalFlip) {
    static final Augmentation NONE = new Augmentation(0, false);

    boolean active() { return cropPadding > 0 || horizontalFlip; }

    /** Writes the augmented {@code src} (c x h x w) into {@code dst} at {@code off}; same size. */
    void apply(float[] src, int c, int h, int w, float[] dst, int off, SplittableRandom rng) {
        int dy = cropPadding > 0 ? rng.nextInt(2 * cropPadding + 1) - cropPadding : 0;
        int dx = cropPadding > 0 ? rng.nextInt(2 * cropPadding + 1) - cropPadding : 0;
        boolean flip = horizontalFlip && rng.nextBoolean();
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                int d = off + plane + y * w;
                if (sy < 0 || sy >= h) {
                    java.util.Arrays.fill(dst, d, d + w, 0f);
                    continue;
                }
                int srow = plane + sy * w;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    dst[d + x] = sx >= 0 && sx < w ? src[srow + sx] : 0f;
                }
            }
        }
    }
}
