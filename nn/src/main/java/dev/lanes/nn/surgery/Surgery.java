package dev.lanes.nn.surgery;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.resize.ImageResize;
import dev.lanes.engine.resize.KernelResample;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.BatchNormSpec;
import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.IdentitySpec;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.ResidualSpec;
import dev.lanes.nn.arch.SequenceSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model surgery: each operation is a pure function from a model to a new model. The old model is never
 * changed and shares nothing with the new one; every parameter the operation does not touch keeps its
 * value, its storage (dense or packed) and its trainable flag, under the same path, so optimizer state keyed
 * by path can be re-bound to the new model ({@code Optimizer.rebind}). The new model is in the old one's
 * training or eval mode.
 *
 * <p>The promise of each operation is stated on it and property-tested.
 */
public final class Surgery {
    private Surgery() {}

    /** An independent copy: same spec, same values. */
    public static Module copy(Module model) {
        return rebuild(model, model.spec(), Set.of());
    }

    /**
     * The model with the sub-module at {@code path} replaced by a copy of {@code replacement} (its values
     * included). Paths outside {@code path} are unchanged.
     */
    public static Module replace(Module model, String path, Module replacement) {
        if (path.isEmpty()) return copy(replacement);
        LayerSpec spec = SpecPaths.with(model.spec(), path, old -> replacement.spec());
        Module out = Arch.build(spec, 0);
        String prefix = path + ".";
        Set<String> inside = new HashSet<>();
        out.namedParameters().keySet().stream().filter(k -> k.startsWith(prefix)).forEach(inside::add);
        out.namedBuffers().keySet().stream().filter(k -> k.startsWith(prefix)).forEach(inside::add);
        StateCopy.copy(model, out, inside);
        Map<String, Parameter> src = replacement.namedParameters();
        for (Map.Entry<String, Parameter> e : out.namedParameters().entrySet())
            if (e.getKey().startsWith(prefix)) StateCopy.copyParameter(e.getKey(), src.get(e.getKey().substring(prefix.length())), e.getValue());
        Map<String, Tensor> srcBuffers = replacement.namedBuffers();
        for (Map.Entry<String, Tensor> e : out.namedBuffers().entrySet())
            if (e.getKey().startsWith(prefix)) StateCopy.copyTensor(e.getKey(), srcBuffers.get(e.getKey().substring(prefix.length())), e.getValue());
        out.setTraining(model.isTraining());
        return out;
    }

    /**
     * The conv at {@code path} with its kernel resampled to {@code kh × kw} (and the given padding), by
     * {@link KernelResample}: centre-aligned interpolation times (k·k)/(kh·kw), so the layer's response at a
     * resolution scaled by kh/k is kept. Resampling to the same size is the identity.
     */
    public static Module resampleKernel(Module model, String path, int kh, int kw, int padH, int padW, ImageResize.Method method) {
        LayerSpec target = SpecPaths.with(model.spec(), path, old -> {
            if (!(old instanceof ConvSpec c)) throw new IllegalArgumentException("resample kernel: '" + path + "' is a " + old.getClass().getSimpleName() + ", not a conv");
            return c.withKernel(kh, kw, padH, padW);
        });
        return resampleKernels(model, target, method);
    }

    /**
     * The model reshaped to {@code target}, which may differ from the model's spec only in conv kernel sizes
     * and paddings; each such conv's weight is resampled as in {@link #resampleKernel}, biases unchanged.
     */
    public static Module resampleKernels(Module model, LayerSpec target, ImageResize.Method method) {
        Map<String, LayerSpec> now = SpecPaths.all(model.spec()), want = SpecPaths.all(target);
        if (!now.keySet().equals(want.keySet()))
            throw new IllegalArgumentException("resample kernels: the target has other layers than the model (model: " + now.keySet() + ", target: " + want.keySet() + ")");
        List<String> resampled = new ArrayList<>();
        for (Map.Entry<String, LayerSpec> e : now.entrySet()) {
            LayerSpec a = e.getValue(), b = want.get(e.getKey());
            if (a instanceof ConvSpec ca && b instanceof ConvSpec cb) {
                if (!ca.withKernel(cb.kernelH(), cb.kernelW(), cb.padH(), cb.padW()).equals(cb))
                    throw new IllegalArgumentException("resample kernels: conv '" + e.getKey() + "' differs in more than its kernel and padding: " + ca + " vs " + cb);
                if (ca.kernelH() != cb.kernelH() || ca.kernelW() != cb.kernelW()) resampled.add(e.getKey());
            } else if (!(a instanceof SequenceSpec) && !(a instanceof ResidualSpec) && !a.equals(b)) {
                throw new IllegalArgumentException("resample kernels: layer '" + e.getKey() + "' differs: " + a + " vs " + b);
            }
        }
        Set<String> skip = new HashSet<>();
        for (String p : resampled) skip.add(SpecPaths.join(p, "weight"));
        Module out = rebuild(model, target, skip);
        Map<String, Parameter> src = model.namedParameters(), dst = out.namedParameters();
        for (String p : resampled) {
            String w = SpecPaths.join(p, "weight");
            Parameter from = src.get(w), to = dst.get(w);
            if (from.isPacked()) throw new IllegalArgumentException("resample kernels: conv '" + p + "' has packed ternary weights; resample before constraining");
            ConvSpec c = (ConvSpec) want.get(p);
            Tensor resampledWeight = KernelResample.resample(from.value(), c.kernelH(), c.kernelW(), method);
            StateCopy.copyTensor(w, resampledWeight, to.value());
            to.setTrainable(from.trainable());
        }
        return out;
    }

    /**
     * Every batch norm that directly follows a conv in a sequence is folded into it: the conv gains a bias,
     * W' = W·γ/√(σ² + ε) per output channel, b' = (b − μ)·γ/√(σ² + ε) + β, and the BN becomes an Identity
     * (so the paths of its siblings stay). Valid for inference: the folded model's eval outputs equal the
     * original's eval outputs up to rounding (≤ 1e-5 relative); a training-mode BN uses batch statistics
     * instead, which no fold can reproduce.
     */
    public static Module foldBatchNorms(Module model) {
        LayerSpec spec = model.spec();
        List<String[]> pairs = new ArrayList<>(); // {conv path, bn path}
        for (Map.Entry<String, LayerSpec> e : SpecPaths.all(spec).entrySet()) {
            if (!(e.getValue() instanceof SequenceSpec s)) continue;
            List<SequenceSpec.Child> kids = s.children();
            for (int i = 0; i + 1 < kids.size(); i++)
                if (kids.get(i).spec() instanceof ConvSpec && kids.get(i + 1).spec() instanceof BatchNormSpec)
                    pairs.add(new String[] {SpecPaths.join(e.getKey(), kids.get(i).name()), SpecPaths.join(e.getKey(), kids.get(i + 1).name())});
        }
        LayerSpec target = spec;
        Set<String> skip = new HashSet<>();
        for (String[] p : pairs) {
            target = SpecPaths.with(target, p[0], c -> ((ConvSpec) c).withBias(true));
            target = SpecPaths.with(target, p[1], b -> new IdentitySpec());
            skip.add(SpecPaths.join(p[0], "weight"));
            skip.add(SpecPaths.join(p[0], "bias"));
        }
        Module out = rebuild(model, target, skip);
        Map<String, Parameter> src = model.namedParameters(), dst = out.namedParameters();
        Map<String, Tensor> buffers = model.namedBuffers();
        for (String[] p : pairs) {
            Parameter w = src.get(SpecPaths.join(p[0], "weight")), b = src.get(SpecPaths.join(p[0], "bias"));
            if (w.isPacked()) throw new IllegalArgumentException("fold batch norm: conv '" + p[0] + "' has packed ternary weights, which a per-channel factor would unpack");
            BatchNormSpec bn = (BatchNormSpec) SpecPaths.get(spec, p[1]);
            float[] gamma = src.get(SpecPaths.join(p[1], "weight")).value().toArray(), beta = src.get(SpecPaths.join(p[1], "bias")).value().toArray();
            float[] mean = buffers.get(SpecPaths.join(p[1], "running_mean")).toArray(), var = buffers.get(SpecPaths.join(p[1], "running_var")).toArray();
            float[] wv = w.value().toArray();
            int outC = gamma.length, per = wv.length / outC;
            float[] nw = new float[wv.length], nb = new float[outC];
            for (int o = 0; o < outC; o++) {
                double f = gamma[o] / Math.sqrt((double) var[o] + bn.eps());
                for (int k = 0; k < per; k++) nw[o * per + k] = (float) (wv[o * per + k] * f);
                double bias = b == null ? 0 : b.value().data()[b.value().offset() + o];
                nb[o] = (float) ((bias - mean[o]) * f + beta[o]);
            }
            Parameter tw = dst.get(SpecPaths.join(p[0], "weight")), tb = dst.get(SpecPaths.join(p[0], "bias"));
            System.arraycopy(nw, 0, tw.value().data(), tw.value().offset(), nw.length);
            System.arraycopy(nb, 0, tb.value().data(), tb.value().offset(), nb.length);
            tw.setTrainable(w.trainable());
            tb.setTrainable(b == null ? w.trainable() : b.trainable());
        }
        return out;
    }

    /**
     * The residual block at {@code path} bypassed: its main path no longer runs, the block computes
     * relu?(shortcut(x)) (relu?(x) for an identity shortcut). The main path's parameters are kept in the
     * model (and the file) but take no part.
     */
    public static Module bypass(Module model, String path) {
        LayerSpec target = SpecPaths.with(model.spec(), path, old -> {
            if (!(old instanceof ResidualSpec r)) throw new IllegalArgumentException("bypass: '" + path + "' is a " + old.getClass().getSimpleName() + ", not a residual block");
            return r.bypass();
        });
        return rebuild(model, target, Set.of());
    }

    /** Builds {@code target} and copies every parameter and buffer not in {@code skip} from {@code model}. */
    static Module rebuild(Module model, LayerSpec target, Set<String> skip) {
        Module out = Arch.build(target, 0);
        StateCopy.copy(model, out, skip);
        out.setTraining(model.isTraining());
        return out;
    }

    /** Keeps blocks {@code keep[i]·block .. +block} along {@code axis}, in the order given. */
    static Tensor select(Tensor t, int axis, int block, int[] keep) {
        int[] shape = t.shape();
        if (axis >= shape.length || shape[axis] % block != 0)
            throw new IllegalArgumentException("select: axis " + axis + " with blocks of " + block + " does not fit a tensor " + Shapes.toString(shape));
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        int along = shape[axis];
        int[] newShape = shape.clone();
        newShape[axis] = keep.length * block;
        Tensor out = Tensor.zeros(newShape);
        float[] s = t.data(), d = out.data();
        int pos = 0;
        for (int o = 0; o < outer; o++)
            for (int k : keep) {
                int from = t.offset() + (o * along + k * block) * inner;
                System.arraycopy(s, from, d, pos, block * inner);
                pos += block * inner;
            }
        return out;
    }
}
