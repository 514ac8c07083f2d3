package dev.lanes.training;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.data.DataLoader;

/**
 * The ordinary training step: forward, softmax cross-entropy, backward, optimizer update. Backward runs
 * only as far as something trains: a model that needs no input gradient (as the zoo builds them) stops at
 * its first trainable top-level layer, so a frozen prefix costs forward work only.
 */
public final class GradientStep implements Step {
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private int correct;

    @Override
    public String name() { return "gradient"; }

    @Override
    public float train(TrainingState state, DataLoader.Batch b) {
        Module model = state.model();
        Optimizer optimizer = state.optimizer();
        optimizer.zeroGrad();
        Tensor logits = model.forward(b.images());
        float l = loss.forward(logits, b.labels(), 0);
        if (!Float.isFinite(l)) return l;
        model.backward(loss.backward(), false); // nothing upstream of the model needs dx
        optimizer.step();
        correct = SoftmaxCrossEntropy.correct(logits, b.labels(), 0);
        return l;
    }

    @Override
    public int correct() { return correct; }
}
