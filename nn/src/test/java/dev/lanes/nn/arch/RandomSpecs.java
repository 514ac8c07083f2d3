package dev.lanes.nn.arch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Random valid small CNN specs with an input shape they fit, for properties over architectures: a body of
 * conv (± batch norm, ± ReLU), max and average pools, ReLU, dropout, identity and residual blocks (identity or
 * projection shortcut, a bare conv or conv + batch norm, post-ReLU or not, bypassed or not), then a head of
 * global pooling, adaptive pooling + flatten, or flatten, then one or two linear layers.
 * Kernels may be non-square, strides and paddings differ per axis, every weight format and odd child names
 * (quotes, backslashes, non-ASCII, a surrogate pair) appear.
 *
 * <p>A net is built from a list of choices (each taken modulo the options it picks among, 0 once the list runs
 * out), so jqwik shrinks a failing net by shrinking the list: shorter and smaller lists give simpler nets.
 * Shapes are tracked here by their own arithmetic, independent of {@link ArchShapes}.
 */
public final class RandomSpecs {
    private RandomSpecs() {}

    /** A spec, an input shape [N, C, H, W] it accepts, and the number of outputs it ends with. */
    public record Net(LayerSpec spec, int[] inputShape, int classes) {
        @Override
        public String toString() {
            return java.util.Arrays.toString(inputShape) + " -> " + classes + ": " + JsonWriter.compact(JsonReader.parse(SpecJson.toJson(spec)));
        }
    }

    /** Random nets, shrinking towards the smallest. */
    public static Arbitrary<Net> nets() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).withoutEdgeCases().list().ofMinSize(60).ofMaxSize(160)
                .map(RandomSpecs::build);
    }

    /** The net a seed gives, for tests outside jqwik. */
    public static Net build(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Integer> choices = new ArrayList<>();
        for (int i = 0; i < 160; i++) choices.add(rng.nextInt(Integer.MAX_VALUE));
        return build(choices);
    }

    /** The net a list of choices gives. */
    public static Net build(List<Integer> choices) {
        return new Builder(choices).net();
    }

    private static final String[] PLAIN = {"conv", "bn", "relu", "pool", "block", "layer", "drop", "id", "fc", "head"};
    private static final String[] ODD = {"a\"b", "back\\slash", "ü-ñ", "tab\there", "x y", "\uD83D\uDE00", "ctl\u0001", "/slash"};

    private static final class Builder {
        private final List<Integer> choices;
        private int next;
        private final int nameStyle; // 0: "0", "1", ...; 1: words; 2: odd characters

        Builder(List<Integer> choices) {
            this.choices = choices;
            this.nameStyle = pick(3);
        }

        int pick(int options) { return next < choices.size() ? choices.get(next++) % options : 0; }

        boolean flip() { return pick(2) == 1; }

        /** A float in [0, 1) from one choice. */
        float unit() { return (pick(1 << 24)) / (float) (1 << 24); }

        // the running shape of the body
        int c, h, w;

        Net net() {
            int n = 1 + pick(2);
            c = 1 + pick(3);
            h = 4 + pick(9);
            w = flip() ? h : 4 + pick(9);
            int[] input = {n, c, h, w};
            Seq body = new Seq();
            int stages = pick(7);
            for (int i = 0; i < stages; i++) stage(body);
            Seq head = new Seq();
            int classes = head(head);
            LayerSpec spec;
            if (flip()) {
                Seq top = new Seq();
                top.add("features", body.spec());
                top.add("classifier", head.spec());
                spec = top.spec();
            } else {
                Seq flat = new Seq();
                for (SequenceSpec.Child k : body.kids) flat.add(k.name(), k.spec());
                for (SequenceSpec.Child k : head.kids) flat.add(k.name(), k.spec());
                spec = flat.spec();
            }
            return new Net(spec, input, classes);
        }

        void stage(Seq s) {
            switch (pick(7)) {
                case 0, 1 -> {
                    s.add("conv", conv(c, 1 + pick(6)));
                    if (flip()) s.add("bn", bn(c));
                    if (flip()) s.add("relu", new ReluSpec());
                }
                case 2 -> {
                    int[] k = poolWindow();
                    s.add("pool", flip() ? new MaxPoolSpec(k[0], k[1], k[2]) : new AvgPoolSpec(k[0], k[1], k[2]));
                    h = (h + 2 * k[2] - k[0]) / k[1] + 1;
                    w = (w + 2 * k[2] - k[0]) / k[1] + 1;
                }
                case 3, 4 -> s.add("block", residual());
                case 5 -> s.add("relu", new ReluSpec());
                default -> s.add(flip() ? "drop" : "id", flip() ? new DropoutSpec(unit() * 0.9f) : new IdentitySpec());
            }
        }

        /** kernel, stride, padding that fit h and w: padding at most half the window. */
        int[] poolWindow() {
            int k = 1 + pick(Math.min(3, Math.min(h, w)));
            int pad = pick(k / 2 + 1);
            return new int[]{k, 1 + pick(2), pad};
        }

        /** A conv from c to out channels with a kernel that fits the running shape; updates it. */
        ConvSpec conv(int in, int out) {
            int kh = 1 + pick(Math.min(3, h)), kw = flip() && kh <= w ? kh : 1 + pick(Math.min(3, w));
            int sh = 1 + pick(2), sw = flip() ? sh : 1 + pick(2);
            int ph = pick(kh / 2 + 1), pw = flip() ? Math.min(ph, kw / 2) : pick(kw / 2 + 1);
            ConvSpec spec = new ConvSpec(in, out, kh, kw, sh, sw, ph, pw, flip(), format());
            c = out;
            h = (h + 2 * ph - kh) / sh + 1;
            w = (w + 2 * pw - kw) / sw + 1;
            return spec;
        }

        WeightFormat format() {
            int f = pick(6);
            return f < 4 ? WeightFormat.FLOAT : f == 4 ? WeightFormat.TERNARY_PER_TENSOR : WeightFormat.TERNARY_PER_CHANNEL;
        }

        BatchNormSpec bn(int channels) {
            float momentum = switch (pick(4)) {
                case 0 -> BatchNormSpec.DEFAULT_MOMENTUM;
                case 1 -> 0f;
                case 2 -> 1f;
                default -> unit();
            };
            float eps = switch (pick(3)) {
                case 0 -> BatchNormSpec.DEFAULT_EPS;
                case 1 -> 1e-3f;
                default -> 1e-7f + unit() * 1e-2f;
            };
            return new BatchNormSpec(channels, momentum, eps);
        }

        /** A residual block: two convs (or one) keeping the (H - 1) / s + 1 geometry of a 1x1 stride-s shortcut. */
        ResidualSpec residual() {
            int in = c, inner = 1 + pick(6), out = flip() ? in : 1 + pick(6), stride = 1 + pick(2);
            boolean numbered = flip();
            Seq main = new Seq(numbered);
            int k1 = flip() ? 3 : 1;
            boolean twoConvs = flip();
            main.add("conv", new ConvSpec(in, twoConvs ? inner : out, k1, k1, stride, stride, k1 / 2, k1 / 2, flip(), format()));
            if (twoConvs) {
                main.add("bn", bn(inner));
                main.add("relu", new ReluSpec());
                int k2 = flip() ? 3 : 1;
                main.add("conv", new ConvSpec(inner, out, k2, k2, 1, 1, k2 / 2, k2 / 2, flip(), format()));
            }
            if (twoConvs || flip()) main.add("bn", bn(out));
            LayerSpec shortcut = null;
            if (stride != 1 || out != in || flip()) {
                ConvSpec proj = new ConvSpec(in, out, 1, 1, stride, stride, 0, 0, flip(), format());
                if (flip()) {
                    Seq sc = new Seq(numbered);
                    sc.add("conv", proj);
                    sc.add("bn", bn(out));
                    shortcut = sc.spec();
                } else {
                    shortcut = proj;
                }
            }
            c = out;
            h = (h - 1) / stride + 1;
            w = (w - 1) / stride + 1;
            return new ResidualSpec(main.spec(), shortcut, flip(), pick(4) == 0);
        }

        /** global pool, adaptive pool + flatten, or flatten; then one or two linear layers; returns the classes. */
        int head(Seq s) {
            int features;
            int kind = pick(3);
            if (kind == 2 && c * h * w > 2048) kind = 0;
            switch (kind) {
                case 0 -> {
                    s.add("pool", new GlobalAvgPoolSpec());
                    features = c;
                    if (flip()) s.add("flatten", new FlattenSpec()); // a no-op on [N, C]; still a layer
                }
                case 1 -> {
                    int oh = 1 + pick(3), ow = flip() ? oh : 1 + pick(3);
                    s.add("pool", new AdaptiveAvgPoolSpec(oh, ow));
                    s.add("flatten", new FlattenSpec());
                    features = c * oh * ow;
                }
                default -> {
                    s.add("flatten", new FlattenSpec());
                    features = c * h * w;
                }
            }
            if (pick(4) == 0) s.add(flip() ? "drop" : "relu", flip() ? new DropoutSpec(unit() * 0.9f) : new ReluSpec());
            int classes = 1 + pick(5);
            if (flip()) {
                int hidden = 1 + pick(8);
                s.add("fc", new LinearSpec(features, hidden, flip(), format()));
                s.add("relu", new ReluSpec());
                if (flip()) s.add("drop", new DropoutSpec(unit() * 0.9f));
                s.add("fc", new LinearSpec(hidden, classes, flip(), format()));
            } else {
                s.add("fc", new LinearSpec(features, classes, flip(), format()));
            }
            return classes;
        }

        /** A sequence being built, naming its children in the net's style (forced numeric for some blocks). */
        final class Seq {
            final List<SequenceSpec.Child> kids = new ArrayList<>();
            private final Set<String> used = new HashSet<>();
            private final boolean numbered;

            Seq() { this(false); }

            Seq(boolean numbered) { this.numbered = numbered; }

            void add(String word, LayerSpec spec) {
                String name = switch (numbered ? 0 : nameStyle) {
                    case 0 -> Integer.toString(kids.size());
                    case 1 -> word;
                    default -> flip() ? ODD[pick(ODD.length)] : PLAIN[pick(PLAIN.length)];
                };
                String unique = name;
                for (int i = 2; !used.add(unique); i++) unique = name + i;
                kids.add(new SequenceSpec.Child(unique, spec));
            }

            SequenceSpec spec() { return new SequenceSpec(kids); }
        }
    }
}
