package dev.lanes.nn.io;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A self-contained two-layer model for the save/load tests (independent of the real layers): each layer is
 * y = (W x + b) * scale with a learnable W [out, in], b [out] and a buffer scale [out].
 */
final class TinyNet extends Module {
    private final Affine first, second;

    TinyNet(int in, int hidden, int out, long seed) {
        Random rnd = new Random(seed);
        first = new Affine(in, hidden, rnd);
        second = new Affine(hidden, out, rnd);
    }

    @Override public Tensor forward(Tensor x) { return second.forward(first.forward(x)); }
    @Override public Tensor backward(Tensor dy, boolean needDx) { throw new UnsupportedOperationException("not needed by the io tests"); }
    @Override public int[] outputShape(int[] s) { return second.outputShape(first.outputShape(s)); }
    @Override public long flops(int[] s) { return 0; }
    @Override public dev.lanes.nn.arch.LayerSpec spec() { throw new UnsupportedOperationException("a test module without a spec"); }
    @Override public List<Module> children() { return List.of(first, second); }
    @Override public List<String> childNames() { return List.of("first", "second"); }

    static final class Affine extends Module {
        final Parameter weight, bias;
        final Tensor scale;

        Affine(int in, int out, Random rnd) {
            weight = new Parameter("weight", out, in);
            bias = new Parameter("bias", out);
            scale = Tensor.zeros(out);
            for (Tensor t : List.of(weight.value(), bias.value(), weight.grad(), bias.grad(), scale)) {
                for (int i = 0; i < t.size(); i++) t.data()[i] = (float) rnd.nextGaussian();
            }
        }

        @Override
        public Tensor forward(Tensor x) {
            int n = x.dim(0), in = weight.shape()[1], out = weight.shape()[0];
            Tensor y = Tensor.zeros(n, out);
            for (int b = 0; b < n; b++) {
                for (int o = 0; o < out; o++) {
                    float s = bias.value().get(o);
                    for (int i = 0; i < in; i++) s += weight.value().get(o, i) * x.get(b, i);
                    y.set(s * scale.get(o), b, o);
                }
            }
            return y;
        }

        @Override public Tensor backward(Tensor dy, boolean needDx) { throw new UnsupportedOperationException(); }
        @Override public int[] outputShape(int[] s) { return new int[] {s[0], weight.shape()[0]}; }
        @Override public long flops(int[] s) { return 0; }
        @Override public dev.lanes.nn.arch.LayerSpec spec() { throw new UnsupportedOperationException(); }
        @Override protected List<Parameter> ownParameters() { return List.of(weight, bias); }
        @Override protected Map<String, Tensor> ownBuffers() { return Map.of("scale", scale); }
    }
}
