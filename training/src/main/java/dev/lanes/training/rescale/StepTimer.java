package dev.lanes.training.rescale;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.data.DataLoader;
import java.util.Arrays;

/**
 * How long a training step (forward, loss, backward, an Adam update) of one model takes relative to
 * another's, each on the first batch of its loader: the median over {@code reps} pairs of the ratio of the
 * two step times, the steps of a pair run back to back after {@code warmup} untimed pairs. Pairing makes a
 * burst of load from other processes hit both sides of most pairs, and the median drops the pairs it did
 * not. The models should be throwaway copies: their parameters, gradients and BN statistics change. The
 * switch rule compares the two phases with it before any full-resolution epoch has run.
 */
public final class StepTimer {
    private StepTimer() {}

    /** Median over pairs of t(a) / t(b). */
    public static double ratio(Module a, DataLoader aLoader, Module b, DataLoader bLoader, int warmup, int reps) {
        if (warmup < 0 || reps < 1) throw new IllegalArgumentException("step timer needs warmup >= 0 and reps >= 1 but got " + warmup + ", " + reps);
        Timed ta = new Timed(a, aLoader), tb = new Timed(b, bLoader);
        try {
            double[] r = new double[reps];
            for (int i = 0; i < warmup + reps; i++) {
                double x = ta.step(), y = tb.step();
                if (i >= warmup) r[i - warmup] = x / y;
            }
            Arrays.sort(r);
            return r[reps / 2];
        } finally {
            ta.close();
            tb.close();
        }
    }

    /** One model on a copy of its loader's first batch. */
    private static final class Timed {
        final Module model;
        final boolean wasTraining;
        final Tensor x;
        final int[] labels;
        final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        final Optimizer opt;

        Timed(Module model, DataLoader loader) {
            this.model = model;
            this.wasTraining = model.isTraining();
            try (DataLoader.EpochIterator it = loader.epoch(0)) {
                if (!it.hasNext()) throw new IllegalArgumentException("step timer: the loader has no batches");
                DataLoader.Batch b = it.next();
                x = b.images().copy(); // the batch is valid only until the loader moves on
                labels = Arrays.copyOf(b.labels(), b.size());
            }
            opt = new Adam(model.namedParameters(), 1e-6f);
            model.train();
        }

        double step() {
            long t0 = System.nanoTime();
            opt.zeroGrad();
            Tensor logits = model.forward(x);
            loss.forward(logits, labels, 0);
            model.backward(loss.backward(), false);
            opt.step();
            return (System.nanoTime() - t0) / 1e9;
        }

        void close() { model.setTraining(wasTraining); }
    }
}
