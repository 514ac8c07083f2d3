package dev.lanes.nn.arch;

import java.util.List;

/** Hand-written specs with known shapes and channel groups, shared by the arch tests. */
final class Examples {
    private Examples() {}

    static SequenceSpec.Child child(String name, LayerSpec spec) { return new SequenceSpec.Child(name, spec); }

    static SequenceSpec seq(SequenceSpec.Child... kids) { return new SequenceSpec(List.of(kids)); }

    /** LeNet-5 on [N, 1, 28, 28]: children "0".."11", ending in [N, 10]. */
    static SequenceSpec lenet() {
        return SequenceSpec.of(
                ConvSpec.square(1, 6, 5, 1, 2, true), new ReluSpec(), new MaxPoolSpec(2, 2, 0),
                ConvSpec.square(6, 16, 5, 1, 0, true), new ReluSpec(), new MaxPoolSpec(2, 2, 0),
                new FlattenSpec(),
                new LinearSpec(400, 120, true), new ReluSpec(),
                new LinearSpec(120, 84, true), new ReluSpec(),
                new LinearSpec(84, 10, true));
    }

    static SequenceSpec basicMain(int in, int out, int stride) {
        return seq(child("conv1", ConvSpec.square(in, out, 3, stride, 1, false)), child("bn1", new BatchNormSpec(out)),
                child("relu", new ReluSpec()),
                child("conv2", ConvSpec.square(out, out, 3, 1, 1, false)), child("bn2", new BatchNormSpec(out)));
    }

    /**
     * A ResNet on [N, 3, 8, 8]: stem 3→8; layer1 8→8 identity shortcut; layer2 8→16 stride 2 with a conv + BN
     * projection; layer3 16→16 identity, bypassed; adaptive pool to 2x2, flatten, linear 64→5.
     */
    static SequenceSpec resnetLike() {
        return seq(
                child("stem", seq(child("conv", ConvSpec.square(3, 8, 3, 1, 1, false)), child("bn", new BatchNormSpec(8)),
                        child("relu", new ReluSpec()))),
                child("layer1", new ResidualSpec(basicMain(8, 8, 1), null, true, false)),
                child("layer2", new ResidualSpec(basicMain(8, 16, 2),
                        SequenceSpec.of(ConvSpec.square(8, 16, 1, 2, 0, false), new BatchNormSpec(16)), true, false)),
                child("layer3", new ResidualSpec(basicMain(16, 16, 1), null, true, true)),
                child("pool", new AdaptiveAvgPoolSpec(2, 2)),
                child("flatten", new FlattenSpec()),
                child("fc", new LinearSpec(64, 5, true)));
    }
}
