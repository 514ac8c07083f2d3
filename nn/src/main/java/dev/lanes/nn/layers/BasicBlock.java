package dev.lanes.nn.layers;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import java.util.List;

/**
 * The CIFAR ResNet basic block (He et al. 2016): two 3×3 convolutions with BatchNorm, plus a shortcut that
 * is the identity, or a 1×1 convolution with BatchNorm when the stride or the channel count changes.
 *
 * <pre>
 * x [N, in, H, W]   y [N, out, H/s, W/s]
 * forward:  a = relu(bn1(conv1(x)));  y = relu(bn2(conv2(a)) + shortcut(x))
 * backward: dsum = dy · [y > 0];  dx = conv1ᵀ(... bn2ᵀ(dsum)) + shortcutᵀ(dsum)
 * </pre>
 * Children, for parameter paths: conv1, bn1, conv2, bn2 and, with a projection, shortcut (0: conv, 1: BN).
 */
public final class BasicBlock extends Module {
    private final int in, out, stride;
    private final Conv2d conv1, conv2;
    private final BatchNorm2d bn1, bn2;
    private final ReLU relu1 = new ReLU(); // no parameters, so not a named child
    private final Sequential shortcut;     // null for the identity

    private int[] inShape, outShape;
    private Tensor y, dsum, dx;

    public BasicBlock(int in, int out, int stride) {
        if (in <= 0 || out <= 0 || stride <= 0) {
            throw new IllegalArgumentException("BasicBlock: channels and stride must be positive, got in=" + in + " out=" + out + " stride=" + stride);
        }
        this.in = in;
        this.out = out;
        this.stride = stride;
        conv1 = new Conv2d(in, out, 3, stride, 1, false);
        bn1 = new BatchNorm2d(out);
        conv2 = new Conv2d(out, out, 3, 1, 1, false);
        bn2 = new BatchNorm2d(out);
        shortcut = stride != 1 || in != out ? new Sequential(new Conv2d(in, out, 1, stride, 0, false), new BatchNorm2d(out)) : null;
    }

    /** Whether the shortcut is a projection (1×1 conv + BN) rather than the identity. */
    public boolean hasProjection() { return shortcut != null; }

    @Override
    public List<Module> children() {
        return shortcut == null ? List.of(conv1, bn1, conv2, bn2) : List.of(conv1, bn1, conv2, bn2, shortcut);
    }

    @Override
    public List<String> childNames() {
        return shortcut == null ? List.of("conv1", "bn1", "conv2", "bn2") : List.of("conv1", "bn1", "conv2", "bn2", "shortcut");
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        super.setInputGradNeeded(needed);
        conv1.setInputGradNeeded(needed);
        if (shortcut != null) shortcut.setInputGradNeeded(needed);
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 4 || s[1] != in) throw shapeError(this, s, "[N, " + in + ", H, W]");
        return conv1.outputShape(s);
    }

    /** The children's FLOPs plus the residual add and the final ReLU. */
    @Override
    public long flops(int[] s) {
        int[] o = outputShape(s);
        long f = conv1.flops(s) + bn1.flops(o) + relu1.flops(o) + conv2.flops(o) + bn2.flops(o);
        if (shortcut != null) f += shortcut.flops(s);
        return f + 2L * dev.lanes.engine.Shapes.size(o);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (inShape == null || !x.hasShape(inShape)) {
            outShape = outputShape(x.shape());
            inShape = x.shape();
            y = Buffers.resize(y, outShape);
        }
        Tensor a = relu1.forward(bn1.forward(conv1.forward(x)));
        Tensor main = bn2.forward(conv2.forward(a));
        Tensor skip = shortcut == null ? x : shortcut.forward(x);
        Kernels.elementwise().add(main.data(), main.offset(), skip.data(), skip.offset(), y.data(), y.offset(), y.size());
        Kernels.activation().reluForward(y.data(), y.offset(), y.data(), y.offset(), y.size());
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireGradShape(this, dy, outShape);
        dsum = Buffers.resize(dsum, outShape);
        Kernels.activation().reluBackward(y.data(), y.offset(), dy.data(), dy.offset(), dsum.data(), dsum.offset(), dsum.size());
        Tensor dMain = conv1.backward(bn1.backward(relu1.backward(conv2.backward(bn2.backward(dsum)))));
        Tensor dSkip = shortcut == null ? dsum : shortcut.backward(dsum);
        if (!inputGradNeeded()) return null;
        dx = Buffers.resize(dx, inShape);
        Kernels.elementwise().add(dMain.data(), dMain.offset(), dSkip.data(), dSkip.offset(), dx.data(), dx.offset(), dx.size());
        return dx;
    }

    @Override
    public String describe() {
        return "BasicBlock(" + in + "→" + out + ", stride " + stride + (shortcut != null ? ", projection" : "") + ")";
    }
}
