package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.ResidualSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A residual block: y = relu?(main(x) + shortcut(x)), the shortcut being the identity when absent. Every op
 * is a named child: {@code main}, {@code shortcut} (when present) and {@code relu} (when {@code postRelu}).
 * A bypassed block runs only the shortcut (and the ReLU): its main path stays a child, keeping its parameters
 * and paths, but does no work and gets no gradient.
 *
 * <pre>
 * x [N, C, H, W]   y [N, C', H', W'] (main and shortcut must agree)
 * forward:  s = main(x) + shortcut(x);  y = relu(s)
 * backward: ds = reluᵀ(dy);  dx = mainᵀ(ds) + shortcutᵀ(ds)      (shortcutᵀ(ds) = ds for the identity)
 * </pre>
 */
public final class Residual extends Module {
    private final Module main, shortcut; // shortcut null for the identity
    private final ReLU relu;             // null without the post-join ReLU
    private final boolean bypassed;
    private final List<Module> children;
    private final List<String> childNames;

    private int[] inShape, outShape;
    private Tensor sum, dx;

    public Residual(Module main, Module shortcutOrNull, boolean postRelu) {
        this(main, shortcutOrNull, postRelu, false);
    }

    public Residual(Module main, Module shortcutOrNull, boolean postRelu, boolean bypassed) {
        this(main, shortcutOrNull, postRelu ? new ReLU() : null, bypassed);
    }

    private Residual(Module main, Module shortcut, ReLU relu, boolean bypassed) {
        if (main == null) throw new IllegalArgumentException("Residual: the main path is null");
        this.main = main;
        this.shortcut = shortcut;
        this.relu = relu;
        this.bypassed = bypassed;
        List<Module> kids = new ArrayList<>(3);
        List<String> names = new ArrayList<>(3);
        kids.add(main);
        names.add("main");
        if (shortcut != null) { kids.add(shortcut); names.add("shortcut"); }
        if (relu != null) { kids.add(relu); names.add("relu"); }
        this.children = List.copyOf(kids);
        this.childNames = List.copyOf(names);
    }

    /**
     * The CIFAR ResNet basic block (He et al. 2016) with a free inner width: main = conv1 3×3 (in→mid,
     * stride), bn1, relu1, conv2 3×3 (mid→out), bn2; the shortcut a 1×1 projection (conv, bn) when the stride
     * or the channel count changes, else the identity; a ReLU after the join. Convolutions have no bias.
     */
    public static Residual basicBlock(int in, int mid, int out, int stride) {
        if (in <= 0 || mid <= 0 || out <= 0 || stride <= 0) {
            throw new IllegalArgumentException("basic block: channels and stride must be positive, got in=" + in + " mid=" + mid + " out=" + out + " stride=" + stride);
        }
        Sequential main = new Sequential()
                .add("conv1", new Conv2d(in, mid, 3, stride, 1, false)).add("bn1", new BatchNorm2d(mid)).add("relu1", new ReLU())
                .add("conv2", new Conv2d(mid, out, 3, 1, 1, false)).add("bn2", new BatchNorm2d(out));
        Sequential shortcut = stride != 1 || in != out
                ? new Sequential().add("conv", new Conv2d(in, out, 1, stride, 0, false)).add("bn", new BatchNorm2d(out)) : null;
        return new Residual(main, shortcut, true);
    }

    /** {@link #basicBlock(int, int, int, int)} with the inner width equal to the output width. */
    public static Residual basicBlock(int in, int out, int stride) {
        return basicBlock(in, out, out, stride);
    }

    public Module main() { return main; }

    /** The shortcut module, or null for the identity. */
    public Module shortcut() { return shortcut; }

    public boolean hasShortcut() { return shortcut != null; }

    public boolean postRelu() { return relu != null; }

    public boolean bypassed() { return bypassed; }

    /** The same block over the same module objects, bypassed or not. */
    public Residual withBypassed(boolean bypassed) {
        Residual r = new Residual(main, shortcut, relu, bypassed);
        r.setTraining(isTraining());
        return r;
    }

    @Override
    public ResidualSpec spec() {
        return new ResidualSpec(main.spec(), shortcut == null ? null : shortcut.spec(), relu != null, bypassed);
    }

    @Override
    public List<Module> children() { return children; }

    @Override
    public List<String> childNames() { return childNames; }

    private int[] skipShape(int[] s) {
        return shortcut == null ? s.clone() : shortcut.outputShape(s);
    }

    @Override
    public int[] outputShape(int[] s) {
        int[] m = main.outputShape(s), k = skipShape(s);
        if (!java.util.Arrays.equals(m, k)) {
            throw new IllegalArgumentException(describe() + ": for input " + Shapes.toString(s) + " the main path gives " + Shapes.toString(m)
                    + " but the shortcut " + Shapes.toString(k));
        }
        return m;
    }

    /** The children's FLOPs plus the residual add (none when bypassed: the main path does not run). */
    @Override
    public long flops(int[] s) {
        int[] o = outputShape(s);
        long f = shortcut == null ? 0 : shortcut.flops(s);
        if (!bypassed) f += main.flops(s) + Shapes.size(o);
        return f + (relu == null ? 0 : relu.flops(o));
    }

    /** Both paths get dx when the block's input needs one; the ReLU and the add always pass it on. */
    @Override
    public Flops trainingFlops(int[] s, boolean needDx) {
        int[] o = outputShape(s);
        Flops f = shortcut == null ? Flops.ZERO : shortcut.trainingFlops(s, needDx);
        if (!bypassed) f = f.plus(main.trainingFlops(s, needDx)).plus(new Flops(Shapes.size(o), needDx ? Shapes.size(o) : 0, 0));
        return relu == null ? f : f.plus(relu.trainingFlops(o, true));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) {
            outShape = outputShape(x.shape());
            inShape = x.shape();
            sum = Buffers.resize(sum, outShape);
        }
        Tensor skip = shortcut == null ? x : shortcut.forward(x);
        Tensor joined;
        if (bypassed) {
            joined = skip;
        } else {
            Tensor m = main.forward(x);
            Kernels.elementwise().add(m.data(), m.offset(), skip.data(), skip.offset(), sum.data(), sum.offset(), sum.size());
            joined = sum;
        }
        return relu == null ? joined : relu.forward(joined);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        Buffers.requireGradShape(this, dy, outShape);
        Tensor ds = relu == null ? dy : relu.backward(dy, true);
        Tensor dSkip = shortcut == null ? ds : shortcut.backward(ds, needDx);
        if (bypassed) return needDx ? dSkip : null;
        Tensor dMain = main.backward(ds, needDx);
        if (!needDx) return null;
        dx = Buffers.resize(dx, inShape);
        Kernels.elementwise().add(dMain.data(), dMain.offset(), dSkip.data(), dSkip.offset(), dx.data(), dx.offset(), dx.size());
        return dx;
    }

    @Override
    public String describe() {
        return "Residual(" + (shortcut != null ? "projection" : "identity") + " shortcut" + (relu != null ? ", post-ReLU" : "")
                + (bypassed ? ", bypassed" : "") + ")";
    }
}
