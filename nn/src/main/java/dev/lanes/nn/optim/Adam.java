package dev.lanes.nn.optim;

import dev.lanes.engine.Kernels;
import dev.lanes.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Adam with PyTorch's {@code torch.optim.Adam} semantics; weight decay is L2, added to the gradient:
 * <pre>
 *   g = grad + weightDecay * w
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
 *   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * with t the parameter's own update count, lr and weightDecay those of its {@link ParamGroup} (if any).
 * Because the L2 term passes through the adaptive scaling, weights with large gradients are barely decayed;
 * {@link AdamW} decouples the two. Frozen and packed parameters are skipped ({@link Optimizer}).
 */
public class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final boolean decoupled;

    /** Over named parameters (state keyed by path). */
    public Adam(Map<String, Parameter> params, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        this(params, learningRate, beta1, beta2, eps, weightDecay, false);
    }

    /** Adam with the usual betas (0.9, 0.999), eps 1e-8 and no weight decay, over named parameters. */
    public Adam(Map<String, Parameter> params, float learningRate) {
        this(params, learningRate, 0.9f, 0.999f, 1e-8f, 0f);
    }

    /** Over a list: parameters named "0", "1", ... */
    public Adam(List<Parameter> params, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        this(indexed(params), learningRate, beta1, beta2, eps, weightDecay);
    }

    /** Adam with the usual betas (0.9, 0.999), eps 1e-8 and no weight decay, over a list. */
    public Adam(List<Parameter> params, float learningRate) {
        this(indexed(params), learningRate);
    }

    Adam(Map<String, Parameter> params, float learningRate, float beta1, float beta2, float eps, float weightDecay,
         boolean decoupled) {
        super(params, learningRate, weightDecay, "m", "v");
        String name = decoupled ? "AdamW" : "Adam";
        if (!(beta1 >= 0f && beta1 < 1f)) throw new IllegalArgumentException(name + " beta1 must be in [0, 1) but is " + beta1);
        if (!(beta2 >= 0f && beta2 < 1f)) throw new IllegalArgumentException(name + " beta2 must be in [0, 1) but is " + beta2);
        if (!(eps >= 0f) || Float.isInfinite(eps)) throw new IllegalArgumentException(name + " eps must be finite and >= 0 but is " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
    }

    @Override
    protected final void update(int index, Parameter p) {
        long t = updates(index);
        // Bias corrections in double, as PyTorch computes them in Python floats; the kernel then works in float.
        float bc1 = (float) (1.0 - Math.pow(beta1, t));
        float bc2 = (float) (1.0 - Math.pow(beta2, t));
        float wd = weightDecay(index);
        Kernels.elementwise().adamStep(p.value().data(), p.grad().data(), slot(0, index).data(), slot(1, index).data(),
                p.size(), learningRate(index), beta1, beta2, eps, bc1, bc2, decoupled ? 0f : wd, decoupled ? wd : 0f);
    }

    public final float beta1() { return beta1; }

    public final float beta2() { return beta2; }

    public final float eps() { return eps; }
}
