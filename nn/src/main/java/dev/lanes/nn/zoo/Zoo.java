package dev.lanes.nn.zoo;

import dev.lanes.nn.init.Init;
import dev.lanes.nn.layers.AdaptiveAvgPool2d;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.Flatten;
import dev.lanes.nn.layers.GlobalAvgPool;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.MaxPool2d;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.layers.Sequential;
import java.util.List;
import java.util.Locale;

/**
 * The model zoo. Every factory returns a {@link Sequential} initialised from its seed (see {@link Init}). A
 * trainer calls {@code backward(dy, false)} on it: nothing upstream needs dL/dinput, so the first layer
 * skips its backward-data pass.
 *
 * <p>Convolutions followed by BatchNorm have no bias (BN's beta makes it redundant, and it saves a pass).
 * {@code vgg11} and {@code resnet*} end in global average pooling and accept any resolution of at least
 * 16×16 (vgg11) or 1×1 (resnet). {@code lenet5} and {@code small-cnn} pool their last feature map adaptively
 * ({@link AdaptiveAvgPool2d}, child {@code avgpool}) to the size it has at the resolution they are built for
 * (28×28 unless given), then flatten: at that resolution the pool is the identity, so the model computes
 * what a plain flatten would, and any resolution of at least 12×12 (lenet5) or 4×4 (small-cnn) works.
 */
public final class Zoo {
    private Zoo() {}

    /**
     * The canonical names; also accepted: {@code resnet<6n+2>} (e.g. resnet32), {@code vgg11-w<multiplier>},
     * {@code gap-cnn-ds-w<multiplier>}, {@code mlp-H1[-H2...]} ({@link Mlp}) and {@code cnn-W1[-W2...]} ({@link ConvNet}).
     */
    public static List<String> names() {
        return List.of("lenet5", "small-cnn", "gap-cnn", "gap-cnn-ds", "vgg11", "resnet8", "resnet20");
    }

    /** A model by name for 28×28 inputs where the model has a fixed resolution. */
    public static Sequential create(String name, int inChannels, int numClasses, long seed) {
        return create(name, inChannels, 28, 28, numClasses, seed);
    }

    /** A model by name; {@code height} and {@code width} matter only to the fixed-resolution models. */
    public static Sequential create(String name, int inChannels, int height, int width, int numClasses, long seed) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        if (n.equals("lenet5") || n.equals("lenet-5")) return lenet5(inChannels, height, width, numClasses, seed);
        if (n.equals("small-cnn") || n.equals("smallcnn")) return smallCnn(inChannels, height, width, numClasses, seed);
        if (n.equals("gap-cnn")) return gapCnn(inChannels, numClasses, seed);
        if (n.equals("gap-cnn-ds")) return gapCnnDs(inChannels, numClasses, seed);
        if (n.startsWith("gap-cnn-ds-w")) return gapCnnDs(inChannels, numClasses, parseNumber(name, n.substring("gap-cnn-ds-w".length())), seed);
        if (Mlp.matches(n)) return Mlp.create(n, inChannels * height * width, numClasses, seed);
        if (ConvNet.matches(n)) return ConvNet.create(n, inChannels, height, width, numClasses, seed);
        if (n.equals("vgg11")) return vgg11(inChannels, numClasses, 1.0, seed);
        if (n.startsWith("vgg11-w")) return vgg11(inChannels, numClasses, parseNumber(name, n.substring("vgg11-w".length())), seed);
        if (n.startsWith("resnet")) {
            double depth = parseNumber(name, n.substring("resnet".length()));
            if (depth != Math.rint(depth)) throw unknown(name);
            // (int) of a huge depth would clamp and report a number the user never typed
            if (depth > 1000) throw new IllegalArgumentException("resnet depth " + n.substring("resnet".length()) + " in '" + name
                    + "' is beyond 1000; use 6n+2 (8, 14, 20, 32, ...)");
            return resnet((int) depth, inChannels, numClasses, seed);
        }
        throw unknown(name);
    }

    private static double parseNumber(String name, String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw unknown(name);
        }
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", names())
                + " (also resnet<6n+2>, vgg11-w<width multiplier>, gap-cnn-ds-w<width multiplier>, mlp-H1[-H2...], cnn-W1[-W2...])");
    }

    private static Sequential finish(Sequential model, long seed) {
        Init.initialize(model, seed);
        return model;
    }

    /**
     * LeNet-5 with ReLU and max pooling, and BatchNorm after both convolutions (it makes ≥99% on MNIST
     * within two epochs robust to the learning rate):
     * conv5×5(6, pad 2)-BN-ReLU-maxpool2-conv5×5(16)-BN-ReLU-maxpool2-adaptive avgpool-flatten-fc(120)-ReLU-fc(84)-ReLU-fc(classes).
     */
    public static Sequential lenet5(int inChannels, int height, int width, int numClasses, long seed) {
        int h = (height / 2 - 4) / 2, w = (width / 2 - 4) / 2;
        if (h < 1 || w < 1) throw new IllegalArgumentException("lenet5 needs inputs of at least 12x12 but got " + height + "x" + width);
        return finish(new Sequential()
                .add("conv1", new Conv2d(inChannels, 6, 5, 1, 2, false)).add("bn1", new BatchNorm2d(6)).add("relu1", new ReLU())
                .add("pool1", new MaxPool2d(2))
                .add("conv2", new Conv2d(6, 16, 5, 1, 0, false)).add("bn2", new BatchNorm2d(16)).add("relu2", new ReLU())
                .add("pool2", new MaxPool2d(2))
                .add("avgpool", new AdaptiveAvgPool2d(h, w))
                .add("flatten", new Flatten())
                .add("fc1", new Linear(16 * h * w, 120)).add("relu3", new ReLU())
                .add("fc2", new Linear(120, 84)).add("relu4", new ReLU())
                .add("fc3", new Linear(84, numClasses)), seed);
    }

    /** conv3×3(32, pad 1)-BN-ReLU-maxpool2-conv3×3(64, pad 1)-BN-ReLU-maxpool2-adaptive avgpool(H/4×W/4)-flatten-fc(64·H/4·W/4 → classes). */
    public static Sequential smallCnn(int inChannels, int height, int width, int numClasses, long seed) {
        int h = height / 4, w = width / 4;
        if (h < 1 || w < 1) throw new IllegalArgumentException("small-cnn needs inputs of at least 4x4 but got " + height + "x" + width);
        return finish(new Sequential()
                .add("conv1", new Conv2d(inChannels, 32, 3, 1, 1, false)).add("bn1", new BatchNorm2d(32)).add("relu1", new ReLU())
                .add("pool1", new MaxPool2d(2))
                .add("conv2", new Conv2d(32, 64, 3, 1, 1, false)).add("bn2", new BatchNorm2d(64)).add("relu2", new ReLU())
                .add("pool2", new MaxPool2d(2))
                .add("avgpool", new AdaptiveAvgPool2d(h, w))
                .add("flatten", new Flatten())
                .add("fc", new Linear(64 * h * w, numClasses)), seed);
    }

    /**
     * conv5×5(16, pad 2)-BN-ReLU-maxpool2-conv5×5(32, pad 2)-BN-ReLU-maxpool2-conv3×3(64, pad 1)-BN-ReLU-global
     * avgpool-fc: 5×5 kernels and global pooling, so kernel rescaling applies at any resolution of at least
     * 4×4 (the net METHODS.md §1 measured in PyTorch, at half its widths).
     */
    public static Sequential gapCnn(int inChannels, int numClasses, long seed) {
        return finish(new Sequential()
                .add("conv1", new Conv2d(inChannels, 16, 5, 1, 2, false)).add("bn1", new BatchNorm2d(16)).add("relu1", new ReLU())
                .add("pool1", new MaxPool2d(2))
                .add("conv2", new Conv2d(16, 32, 5, 1, 2, false)).add("bn2", new BatchNorm2d(32)).add("relu2", new ReLU())
                .add("pool2", new MaxPool2d(2))
                .add("conv3", new Conv2d(32, 64, 3, 1, 1, false)).add("bn3", new BatchNorm2d(64)).add("relu3", new ReLU())
                .add("pool", new GlobalAvgPool())
                .add("fc", new Linear(64, numClasses)), seed);
    }

    /**
     * gap-cnn's compact twin: the same first conv (few input channels, where a depthwise split saves nothing),
     * pools, widths and head, with conv2 and conv3 replaced by {@link DepthwiseSeparable} blocks 16 → 32 and
     * 32 → 64: conv5×5(16, pad 2)-BN-ReLU-maxpool2-block2-maxpool2-block3-global avgpool-fc. About 7× fewer
     * parameters than gap-cnn (4 362 against 32 506 for one input channel and 10 classes).
     */
    public static Sequential gapCnnDs(int inChannels, int numClasses, long seed) {
        return gapCnnDs(inChannels, numClasses, 1.0, seed);
    }

    /**
     * {@code gap-cnn-ds-w<multiplier>}: gap-cnn-ds with its widths 16/32/64 times {@code widthMultiplier}, rounded
     * (at least 1 channel), as in vgg11-w. Widening buys back accuracy the depthwise split costs at few parameters:
     * the block's pointwise weights grow with the square of the multiplier, so 1.7 (widths 27/54/109, 10 390
     * parameters for one input channel and 10 classes) still keeps gap-cnn's 32 506 more than 3× away.
     */
    public static Sequential gapCnnDs(int inChannels, int numClasses, double widthMultiplier, long seed) {
        if (!(widthMultiplier > 0)) throw new IllegalArgumentException("gap-cnn-ds: width multiplier must be positive but is " + widthMultiplier);
        int c1 = width(16, widthMultiplier), c2 = width(32, widthMultiplier), c3 = width(64, widthMultiplier);
        return finish(new Sequential()
                .add("conv1", new Conv2d(inChannels, c1, 5, 1, 2, false)).add("bn1", new BatchNorm2d(c1)).add("relu1", new ReLU())
                .add("pool1", new MaxPool2d(2))
                .add("block2", DepthwiseSeparable.block(c1, c2, 1))
                .add("pool2", new MaxPool2d(2))
                .add("block3", DepthwiseSeparable.block(c2, c3, 1))
                .add("pool", new GlobalAvgPool())
                .add("fc", new Linear(c3, numClasses)), seed);
    }

    /** A base width times a width multiplier, rounded, at least 1 channel. */
    private static int width(int base, double widthMultiplier) {
        return Math.max(1, (int) Math.round(base * widthMultiplier));
    }

    /** VGG-11 widths; 'M' positions are the pools. */
    private static final int[] VGG11 = {64, -1, 128, -1, 256, 256, -1, 512, 512, -1, 512, 512};

    /**
     * VGG-11 with BatchNorm, CIFAR-style: the four pools of the 8 conv layers' layout (the fifth is replaced
     * by global average pooling), then one linear layer. Widths are VGG-11's times {@code widthMultiplier}
     * (at least 1 channel). Any input of at least 16×16 works.
     */
    public static Sequential vgg11(int inChannels, int numClasses, double widthMultiplier, long seed) {
        if (!(widthMultiplier > 0)) throw new IllegalArgumentException("vgg11: width multiplier must be positive but is " + widthMultiplier);
        int[] widths = new int[VGG11.length];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = VGG11[i] < 0 ? -1 : width(VGG11[i], widthMultiplier);
        }
        return vgg(inChannels, numClasses, seed, widths);
    }

    /** A VGG-style net from a layout: a positive entry is conv3×3(width)-BN-ReLU, -1 a 2×2 max pool. */
    public static Sequential vgg(int inChannels, int numClasses, long seed, int... layout) {
        Sequential features = new Sequential();
        int c = inChannels;
        for (int width : layout) {
            if (width < 0) {
                features.add(new MaxPool2d(2));
            } else {
                features.add(new Conv2d(c, width, 3, 1, 1, false)).add(new BatchNorm2d(width)).add(new ReLU());
                c = width;
            }
        }
        return finish(new Sequential().add("features", features).add("pool", new GlobalAvgPool()).add("fc", new Linear(c, numClasses)), seed);
    }

    /**
     * CIFAR ResNet of depth 6n+2 (He et al. 2016, section 4.2): conv3×3(16)-BN-ReLU, three stages of n
     * basic blocks ({@link Residual#basicBlock}) with 16/32/64 channels and strides 1/2/2 (projection shortcuts where the shape changes),
     * global average pooling, linear.
     */
    public static Sequential resnet(int depth, int inChannels, int numClasses, long seed) {
        if (depth < 8 || (depth - 2) % 6 != 0) throw new IllegalArgumentException("resnet depth must be 6n+2 with n >= 1 (8, 14, 20, 32, ...) but is " + depth);
        int n = (depth - 2) / 6;
        Sequential model = new Sequential()
                .add("conv1", new Conv2d(inChannels, 16, 3, 1, 1, false)).add("bn1", new BatchNorm2d(16)).add("relu", new ReLU());
        int c = 16;
        int[] widths = {16, 32, 64};
        for (int stage = 0; stage < 3; stage++) {
            Sequential layer = new Sequential();
            for (int b = 0; b < n; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                layer.add(Residual.basicBlock(c, widths[stage], stride));
                c = widths[stage];
            }
            model.add("layer" + (stage + 1), layer);
        }
        return finish(model.add("pool", new GlobalAvgPool()).add("fc", new Linear(c, numClasses)), seed);
    }

    public static Sequential resnet8(int inChannels, int numClasses, long seed) { return resnet(8, inChannels, numClasses, seed); }

    public static Sequential resnet20(int inChannels, int numClasses, long seed) { return resnet(20, inChannels, numClasses, seed); }
}
