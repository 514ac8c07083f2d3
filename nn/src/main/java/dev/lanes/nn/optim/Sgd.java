package dev.lanes.nn.optim;

import dev.lanes.engine.Kernels;
import dev.lanes.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with PyTorch's {@code torch.optim.SGD} semantics (no dampening):
 * <pre>
 *   g = grad + weightDecay * w
 *   buf = momentum * buf + g          (buf starts as the first g: a zero buffer gives exactly that)
 *   d = nesterov ? g + momentum * buf : buf     (d = g when momentum is 0)
 *   w = w - lr * d
 * </pre>
 * with lr and weightDecay those of the parameter's {@link ParamGroup} (if any). The momentum buffer
 * ({@code "momentum.<path>"} in {@link #state()}) exists only when momentum is non-zero. Frozen and packed
 * parameters are skipped ({@link Optimizer}).
 */
public final class Sgd extends Optimizer {
    private final float momentum;
    private final boolean nesterov;

    /** Over named parameters (state keyed by path). */
    public Sgd(Map<String, Parameter> params, float learningRate, float momentum, float weightDecay, boolean nesterov) {
        super(params, learningRate, weightDecay, momentum == 0f ? new String[0] : new String[] {"momentum"});
        if (!(momentum >= 0f && momentum < 1f)) throw new IllegalArgumentException("SGD momentum must be in [0, 1) but is " + momentum);
        if (nesterov && momentum == 0f) throw new IllegalArgumentException("Nesterov SGD needs a non-zero momentum");
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /** Plain SGD over named parameters: no momentum, no weight decay. */
    public Sgd(Map<String, Parameter> params, float learningRate) {
        this(params, learningRate, 0f, 0f, false);
    }

    /** Over a list: parameters named "0", "1", ... */
    public Sgd(List<Parameter> params, float learningRate, float momentum, float weightDecay, boolean nesterov) {
        this(indexed(params), learningRate, momentum, weightDecay, nesterov);
    }

    /** Plain SGD over a list. */
    public Sgd(List<Parameter> params, float learningRate) {
        this(indexed(params), learningRate);
    }

    @Override
    protected void update(int index, Parameter p) {
        float[] buf = momentum == 0f ? null : slot(0, index).data();
        Kernels.elementwise().sgdStep(p.value().data(), p.grad().data(), buf, p.size(), learningRate(index),
                momentum, weightDecay(index), nesterov);
    }

    public float momentum() { return momentum; }

    public boolean nesterov() { return nesterov; }
}
