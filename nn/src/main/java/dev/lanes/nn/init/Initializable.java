package dev.lanes.nn.init;

import java.util.SplittableRandom;

/**
 * A module that knows its own default initialisation. {@link Init#initialize} calls it once per module in a
 * fixed order, each with its own split of the seeded generator, so the same seed gives the same weights.
 */
public interface Initializable {
    /** Re-draws this module's own parameters (and resets its buffers) from {@code rng}. */
    void resetParameters(SplittableRandom rng);
}
