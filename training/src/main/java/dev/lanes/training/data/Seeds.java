package dev.lanes.training.data;

/** Derives independent 64-bit seeds from a base seed and stream indices (SplitMix64 finaliser). */
public final class Seeds {
    private Seeds() {}

    public static long mix(long seed, long... streams) {
        long h = finalise(seed ^ 0x9E3779B97F4A7C15L);
        for (long s : streams) h = finalise(h + 0x9E3779B97F4A7C15L * (s + 1));
        return h;
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
