package dev.lanes.nn.arch;

import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.param.TernaryConstraint;
import dev.lanes.nn.init.Init;
import dev.lanes.nn.layers.AdaptiveAvgPool2d;
import dev.lanes.nn.layers.AvgPool2d;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.Dropout;
import dev.lanes.nn.layers.Flatten;
import dev.lanes.nn.layers.GlobalAvgPool;
import dev.lanes.nn.layers.Identity;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.MaxPool2d;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.layers.Sequential;

/**
 * Modules from specs: {@code build(m.spec(), seed)} has m's structure and parameter paths, freshly
 * initialised as the zoo initialises ({@link Init#initialize}: Kaiming-normal convolutions and linear layers,
 * zero biases, BatchNorm γ = 1, β = 0), so a zoo model's spec and seed give the zoo model's weights.
 */
public final class Arch {
    private Arch() {}

    /**
     * A fresh module for {@code spec}, initialised from {@code seed}. A conv or linear layer with a ternary
     * weight format gets its float initialisation packed onto {−α, 0, +α} by TWN's rule (per tensor or per
     * output channel), so loading a saved ternary model's codes into it restores that model.
     */
    public static Module build(LayerSpec spec, long seed) {
        Builder builder = new Builder(seed);
        Module m = Init.initialize(builder.build(spec, ""), seed);
        // the built layers are float until constrained, so the formats come from the spec, by module path
        java.util.Map<String, Module> modules = m.namedModules();
        builder.formats.forEach((path, f) -> modules.get(path).namedParameters().get("weight")
                .constrain(f == WeightFormat.TERNARY_PER_TENSOR ? TernaryConstraint.perTensor() : TernaryConstraint.perChannel()));
        return m;
    }

    /** Builds depth first; dropout layers get distinct mask streams derived from the seed, in build order. */
    private static final class Builder {
        private final long seed;
        private long dropouts;
        /** Module path → weight format, for the conv and linear layers whose format is not float. */
        final java.util.Map<String, WeightFormat> formats = new java.util.LinkedHashMap<>();

        Builder(long seed) { this.seed = seed; }

        Module build(LayerSpec spec, String path) {
            WeightFormat format = switch (spec) {
                case ConvSpec c -> c.format();
                case LinearSpec l -> l.format();
                default -> WeightFormat.FLOAT;
            };
            if (format != WeightFormat.FLOAT) formats.put(path, format);
            return switch (spec) {
                case ConvSpec c -> new Conv2d(c.in(), c.out(), c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.padH(), c.padW(), c.bias(), c.groups());
                case LinearSpec l -> new Linear(l.in(), l.out(), l.bias());
                case BatchNormSpec b -> new BatchNorm2d(b.channels(), b.momentum(), b.eps());
                case MaxPoolSpec p -> new MaxPool2d(p.kernel(), p.stride(), p.padding());
                case AvgPoolSpec p -> new AvgPool2d(p.kernel(), p.stride(), p.padding());
                case AdaptiveAvgPoolSpec p -> new AdaptiveAvgPool2d(p.outH(), p.outW());
                case GlobalAvgPoolSpec g -> new GlobalAvgPool();
                case FlattenSpec f -> new Flatten();
                case DropoutSpec d -> new Dropout(d.p(), seed + 0x9E3779B97F4A7C15L * ++dropouts);
                case ReluSpec r -> new ReLU();
                case IdentitySpec i -> new Identity();
                case SequenceSpec s -> {
                    Sequential seq = new Sequential();
                    for (SequenceSpec.Child c : s.children()) seq.add(c.name(), build(c.spec(), join(path, c.name())));
                    yield seq;
                }
                case ResidualSpec r -> new Residual(build(r.main(), join(path, "main")),
                        r.shortcut() == null ? null : build(r.shortcut(), join(path, "shortcut")), r.postRelu(), r.bypassed());
            };
        }

        private static String join(String path, String name) {
            return path.isEmpty() ? name : path + "." + name;
        }
    }
}
