package dev.lanes.nn.arch;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Valid small CNN specs for property tests: a few stages of conv (per-axis kernel, stride and padding, with or
 * without bias) / BatchNorm / ReLU / pooling / dropout / identity / residual blocks (projection or identity
 * shortcut, free inner width, with or without the post-ReLU, sometimes bypassed), then a head of global
 * pooling or (adaptive pooling and) flatten, and a linear layer. Each spec comes with the input shape it is
 * valid for.
 */
public final class RandomSpecs {
    private RandomSpecs() {}

    /** A spec and an input shape [N, C, H, W] it accepts. */
    public record Net(SequenceSpec spec, int[] inputShape, int classes) {
        @Override
        public String toString() { return spec + " on " + java.util.Arrays.toString(inputShape); }
    }

    public static Arbitrary<Net> nets() {
        return Arbitraries.longs().map(seed -> net(new SplittableRandom(seed)));
    }

    public static Net net(SplittableRandom rng) {
        int c = 1 + rng.nextInt(3), h = 4 + rng.nextInt(7), w = 4 + rng.nextInt(7);
        int[] input = {1 + rng.nextInt(2), c, h, w};
        State s = new State(c, h, w);
        List<SequenceSpec.Child> kids = new ArrayList<>();
        int stages = 1 + rng.nextInt(4);
        for (int i = 0; i < stages; i++) kids.add(new SequenceSpec.Child("s" + i, stage(rng, s)));
        int classes = 2 + rng.nextInt(4);
        if (rng.nextBoolean()) {
            kids.add(new SequenceSpec.Child("pool", new GlobalAvgPoolSpec()));
            kids.add(new SequenceSpec.Child("fc", new LinearSpec(s.c, classes, rng.nextBoolean())));
        } else {
            if (rng.nextBoolean()) {
                int oh = 1 + rng.nextInt(3), ow = 1 + rng.nextInt(3);
                kids.add(new SequenceSpec.Child("avgpool", new AdaptiveAvgPoolSpec(oh, ow)));
                s.h = oh;
                s.w = ow;
            }
            kids.add(new SequenceSpec.Child("flatten", new FlattenSpec()));
            kids.add(new SequenceSpec.Child("fc", new LinearSpec(s.c * s.h * s.w, classes, rng.nextBoolean())));
        }
        return new Net(new SequenceSpec(kids), input, classes);
    }

    /** Channels and spatial size flowing through the net as it is generated. */
    private static final class State {
        int c, h, w;

        State(int c, int h, int w) { this.c = c; this.h = h; this.w = w; }
    }

    private static LayerSpec stage(SplittableRandom rng, State s) {
        return switch (rng.nextInt(6)) {
            case 0, 1 -> convBnRelu(rng, s);
            case 2 -> pool(rng, s);
            case 3, 4 -> residual(rng, s);
            default -> rng.nextBoolean() ? new DropoutSpec(rng.nextInt(5) / 10f) : new IdentitySpec();
        };
    }

    /** A conv, and usually BN and ReLU after it, as a named sequence. */
    private static LayerSpec convBnRelu(SplittableRandom rng, State s) {
        int out = 1 + rng.nextInt(4);
        List<SequenceSpec.Child> kids = new ArrayList<>();
        boolean bn = rng.nextBoolean();
        kids.add(new SequenceSpec.Child("conv", conv(rng, s, out, !bn)));
        if (bn) kids.add(new SequenceSpec.Child("bn", new BatchNormSpec(out, 0.05f + rng.nextInt(3) * 0.05f, 1e-5f)));
        if (rng.nextInt(4) > 0) kids.add(new SequenceSpec.Child("relu", new ReluSpec()));
        return new SequenceSpec(kids);
    }

    /** A conv with a random per-axis geometry that keeps at least one output row and column. */
    private static ConvSpec conv(SplittableRandom rng, State s, int out, boolean bias) {
        int kh = 1 + rng.nextInt(Math.min(3, s.h)), kw = 1 + rng.nextInt(Math.min(3, s.w));
        int sh = 1 + rng.nextInt(2), sw = 1 + rng.nextInt(2);
        int ph = rng.nextInt(kh / 2 + 1), pw = rng.nextInt(kw / 2 + 1);
        ConvSpec c = new ConvSpec(s.c, out, kh, kw, sh, sw, ph, pw, bias, WeightFormat.FLOAT);
        s.c = out;
        s.h = (s.h + 2 * ph - kh) / sh + 1;
        s.w = (s.w + 2 * pw - kw) / sw + 1;
        return c;
    }

    private static LayerSpec pool(SplittableRandom rng, State s) {
        if (s.h < 2 || s.w < 2) return new ReluSpec();
        s.h /= 2;
        s.w /= 2;
        return rng.nextBoolean() ? new MaxPoolSpec(2, 2, 0) : new AvgPoolSpec(2, 2, 0);
    }

    /** A basic-block-like residual: 3×3 convs (padding 1) with BN, a free inner width, projection where needed. */
    private static LayerSpec residual(SplittableRandom rng, State s) {
        int in = s.c, mid = 1 + rng.nextInt(4), out = rng.nextBoolean() ? in : 1 + rng.nextInt(4);
        int stride = s.h >= 2 && s.w >= 2 && rng.nextBoolean() ? 2 : 1;
        SequenceSpec main = new SequenceSpec(List.of(
                new SequenceSpec.Child("conv1", ConvSpec.square(in, mid, 3, stride, 1, false)),
                new SequenceSpec.Child("bn1", new BatchNormSpec(mid)),
                new SequenceSpec.Child("relu1", new ReluSpec()),
                new SequenceSpec.Child("conv2", ConvSpec.square(mid, out, 3, 1, 1, false)),
                new SequenceSpec.Child("bn2", new BatchNormSpec(out))));
        LayerSpec shortcut = null;
        if (in != out || stride != 1) {
            shortcut = new SequenceSpec(List.of(
                    new SequenceSpec.Child("conv", ConvSpec.square(in, out, 1, stride, 0, false)),
                    new SequenceSpec.Child("bn", new BatchNormSpec(out))));
        } else if (rng.nextInt(3) == 0) {
            shortcut = new IdentitySpec(); // an explicit identity module as the shortcut
        }
        s.c = out;
        s.h = (s.h - 1) / stride + 1;
        s.w = (s.w - 1) / stride + 1;
        return new ResidualSpec(main, shortcut, rng.nextInt(4) > 0, rng.nextInt(5) == 0);
    }
}
