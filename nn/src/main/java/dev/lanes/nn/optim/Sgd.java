package dev.lanes.nn.optim;

import dev.lanes.engine.Kernels;
import dev.lanes.nn.Parameter;
import java.util.List;

/**
 * Stochastic gradient descent with PyTorch's {@code torch.optim.SGD} semantics (no dampening):
 * <pre>
 *   g = grad + weightDecay * w
 *   buf = momentum * buf + g          (buf starts as the first g: a zero buffer gives exactly that)
 *   d = nesterov ? g + momentum * buf : buf     (d = g when momentum is 0)
 *   w = w - lr * d
 * </pre>
 * The momentum buffer ({@code "momentum.i"} in {@link #state()}) exists only when momentum is non-zero.
 */
public final class Sgd extends Optimizer {
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;

    public Sgd(List<Parameter> params, float learningRate, float momentum, float weightDecay, boolean nesterov) {
        super(params, learningRate, momentum == 0f ? new String[0] : new String[] {"momentum"});
        if (!(momentum >= 0f && momentum < 1f)) throw new IllegalArgumentException("SGD momentum must be in [0, 1) but is " + momentum);
        if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("SGD weight decay must be finite and >= 0 but is " + weightDecay);
        }
        if (nesterov && momentum == 0f) throw new IllegalArgumentException("Nesterov SGD needs a non-zero momentum");
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /** Plain SGD: no momentum, no weight decay. */
    public Sgd(List<Parameter> params, float learningRate) {
        this(params, learningRate, 0f, 0f, false);
    }

    @Override
    protected void update(int index, Parameter p) {
        float[] buf = momentum == 0f ? null : slot(0, index).data();
        Kernels.elementwise().sgdStep(p.value().data(), p.grad().data(), buf, p.size(), learningRate(),
                momentum, weightDecay, nesterov);
    }

    public float momentum() { return momentum; }

    public float weightDecay() { return weightDecay; }

    public boolean nesterov() { return nesterov; }
}
