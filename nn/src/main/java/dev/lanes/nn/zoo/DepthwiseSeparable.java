package dev.lanes.nn.zoo;

import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Sequential;

/**
 * MobileNet's depthwise-separable block (Howard et al. 2017): a depthwise 3×3 convolution (one filter per
 * channel, groups = in) filters space, a pointwise 1×1 convolution (in → out) mixes channels, each followed by
 * BN and ReLU. It stands in for a 3×3 conv in → out at 9·in + in·out weights instead of 9·in·out, so about
 * 1/out + 1/9 of them (and of the multiply-adds). Children: depthwise, bn1, relu1, pointwise, bn2, relu2; the
 * convolutions have no bias (BN's beta makes it redundant). Not initialised: the zoo model holding it is.
 */
public final class DepthwiseSeparable {
    private DepthwiseSeparable() {}

    /** depthwise 3×3 (in, stride, pad 1)-BN-ReLU-pointwise 1×1 (in → out)-BN-ReLU. */
    public static Sequential block(int in, int out, int stride) {
        if (in <= 0 || out <= 0 || stride <= 0) {
            throw new IllegalArgumentException("depthwise-separable block: channels and stride must be positive, got in=" + in + " out=" + out
                    + " stride=" + stride);
        }
        return new Sequential()
                .add("depthwise", new Conv2d(in, in, 3, 3, stride, stride, 1, 1, false, in)).add("bn1", new BatchNorm2d(in)).add("relu1", new ReLU())
                .add("pointwise", new Conv2d(in, out, 1, 1, 0, false)).add("bn2", new BatchNorm2d(out)).add("relu2", new ReLU());
    }
}
