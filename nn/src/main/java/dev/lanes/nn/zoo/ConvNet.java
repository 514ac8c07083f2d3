package dev.lanes.nn.zoo;

import dev.lanes.nn.init.Init;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.GlobalAvgPool;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.MaxPool2d;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Sequential;
import java.util.Locale;

/**
 * Plain conv nets by name, in the spirit of Mehta et al.'s BasicNet: {@code cnn-W1[-W2...]} is, per width,
 * conv3×3(W, pad 1, no bias)-BN-ReLU, with a 2×2 max pool after every conv but the last (while the map is
 * at least 2×2), then global average pooling and fc(classes). Layers are named conv1, bn1, relu1, pool1,
 * conv2, ..., gap, fc. E.g. {@code cnn-16-32-64-128}: 28×28 → 14 → 7 → 3, about 5.2 MFLOPs per image.
 */
public final class ConvNet {
    public static final String PREFIX = "cnn-";

    private ConvNet() {}

    /** Whether {@code name} has the form {@code cnn-W1[-W2...]} (widths not yet checked). */
    public static boolean matches(String name) {
        return name.toLowerCase(Locale.ROOT).trim().matches("cnn(-\\d+)+");
    }

    /** The conv widths named by {@code cnn-W1[-W2...]}; each must be in [1, 65536]. */
    public static int[] widths(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        if (!matches(n)) throw new IllegalArgumentException("a conv net is named cnn-W1[-W2...] (e.g. cnn-16-32-64-128) but got '" + name + "'");
        return WidthList.parse(n, PREFIX, "conv net '" + name + "'", 65536);
    }

    /** The net {@code name} for {@code inChannels}×{@code height}×{@code width} images and {@code numClasses} outputs. */
    public static Sequential create(String name, int inChannels, int height, int width, int numClasses, long seed) {
        int[] widths = widths(name);
        if (inChannels < 1 || numClasses < 1 || height < 1 || width < 1)
            throw new IllegalArgumentException("conv net '" + name + "': channels, size and classes must be positive but are " + inChannels + ", "
                    + height + "x" + width + ", " + numClasses);
        Sequential m = new Sequential();
        int c = inChannels, h = height, w = width;
        for (int i = 0; i < widths.length; i++) {
            int k = i + 1;
            m.add("conv" + k, new Conv2d(c, widths[i], 3, 1, 1, false)).add("bn" + k, new BatchNorm2d(widths[i])).add("relu" + k, new ReLU());
            c = widths[i];
            if (i + 1 < widths.length && h >= 2 && w >= 2) {
                m.add("pool" + k, new MaxPool2d(2));
                h /= 2;
                w /= 2;
            }
        }
        m.add("gap", new GlobalAvgPool()).add("fc", new Linear(c, numClasses));
        return Init.initialize(m, seed);
    }
}
