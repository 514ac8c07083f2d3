package dev.lanes.nn.optim;

import dev.lanes.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), PyTorch's {@code torch.optim.AdamW}: first
 * {@code w *= 1 - lr * weightDecay}, then the {@link Adam} update from the raw gradient. Every weight
 * shrinks at the same relative rate whatever its gradient history, which is what the sparsity study
 * compares against Adam's L2.
 */
public final class AdamW extends Adam {
    /** Over named parameters (state keyed by path). */
    public AdamW(Map<String, Parameter> params, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        super(params, learningRate, beta1, beta2, eps, weightDecay, true);
    }

    /** AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(Map<String, Parameter> params, float learningRate) {
        this(params, learningRate, 0.9f, 0.999f, 1e-8f, 0.01f);
    }

    /** Over a list: parameters named "0", "1", ... */
    public AdamW(List<Parameter> params, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        this(indexed(params), learningRate, beta1, beta2, eps, weightDecay);
    }

    /** PyTorch's defaults, over a list. */
    public AdamW(List<Parameter> params, float learningRate) {
        this(indexed(params), learningRate);
    }
}
