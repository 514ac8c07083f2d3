package dev.lanes.training.rescale;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.data.DataLoader;
import java.util.Arrays;

/**
 * Wall time of one training step (forward, loss, backward, an Adam update) of a model on the first batch of
 * a loader: the median of {@code reps} timed steps after {@code warmup} untimed ones. The model should be a
 * throwaway copy: its parameters, gradients and BN statistics change. The switch rule compares the two
 * phases with it before any full-resolution epoch has run.
 */
public final class StepTimer {
    private StepTimer() {}

    public static double secondsPerStep(Module model, DataLoader loader, int warmup, int reps) {
        if (warmup < 0 || reps < 1) throw new IllegalArgumentException("step timer needs warmup >= 0 and reps >= 1 but got " + warmup + ", " + reps);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Optimizer opt = new Adam(model.namedParameters(), 1e-6f);
        boolean wasTraining = model.isTraining();
        model.train();
        double[] t = new double[reps];
        try (DataLoader.EpochIterator it = loader.epoch(0)) {
            if (!it.hasNext()) throw new IllegalArgumentException("step timer: the loader has no batches");
            DataLoader.Batch b = it.next();
            Tensor x = b.images();
            for (int i = 0; i < warmup + reps; i++) {
                long t0 = System.nanoTime();
                opt.zeroGrad();
                Tensor logits = model.forward(x);
                loss.forward(logits, b.labels(), 0);
                model.backward(loss.backward(), false);
                opt.step();
                if (i >= warmup) t[i - warmup] = (System.nanoTime() - t0) / 1e9;
            }
        } finally {
            model.setTraining(wasTraining);
        }
        Arrays.sort(t);
        return t[reps / 2];
    }
}
