package dev.lanes.training.rescale;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.training.data.DataLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Re-estimates the running mean and variance of every BatchNorm in a model as the plain average of its
 * batch statistics over the first {@code batches} batches of one epoch of a loader (forward only, in training
 * mode, no parameter changes). After kernel rescaling the running statistics describe the low-resolution
 * activations; an exponential average would need tens of batches to forget them.
 *
 * <p>How the batch statistics are read without a special BN mode: before each batch the running buffers
 * are zeroed, so the layer's update r ← (1 − m)·r + m·b leaves m·b in them. The layers' momentum is never
 * changed, so training afterwards averages as before (a cumulative-average mode left switched on would
 * make every later running average wrong).
 */
public final class BatchNormRecalibration {
    private BatchNormRecalibration() {}

    /**
     * @param epoch the 0-based loader epoch to read (its order and augmentation are the loader's as always)
     * @return the number of batches used (fewer than asked if the epoch is shorter); 0 when the model has no BN
     */
    public static int run(Module model, DataLoader loader, int epoch, int batches) {
        if (batches < 1) throw new IllegalArgumentException("BN re-estimation needs at least 1 batch but got " + batches);
        List<BatchNorm2d> bns = new ArrayList<>();
        for (Module m : model.namedModules().values()) if (m instanceof BatchNorm2d bn) bns.add(bn);
        if (bns.isEmpty()) return 0;
        for (BatchNorm2d bn : bns) {
            if (!(bn.momentum() > 0))
                throw new IllegalArgumentException("BN re-estimation needs a momentum > 0 to read batch statistics, but a layer has " + bn.momentum());
        }
        double[][] mean = new double[bns.size()][], var = new double[bns.size()][];
        for (int i = 0; i < bns.size(); i++) {
            mean[i] = new double[bns.get(i).channels()];
            var[i] = new double[bns.get(i).channels()];
        }
        boolean wasTraining = model.isTraining();
        model.train();
        int used = 0;
        try (DataLoader.EpochIterator it = loader.epoch(epoch)) {
            while (it.hasNext() && used < batches) {
                DataLoader.Batch b = it.next();
                for (BatchNorm2d bn : bns) {
                    zero(bn.runningMean());
                    zero(bn.runningVar());
                }
                model.forward(b.images());
                for (int i = 0; i < bns.size(); i++) {
                    BatchNorm2d bn = bns.get(i);
                    add(mean[i], bn.runningMean(), bn.momentum());
                    add(var[i], bn.runningVar(), bn.momentum());
                }
                used++;
            }
        } finally {
            model.setTraining(wasTraining);
        }
        if (used == 0) throw new IllegalArgumentException("BN re-estimation: the loader's epoch " + epoch + " has no batches");
        for (int i = 0; i < bns.size(); i++) {
            set(bns.get(i).runningMean(), mean[i], used);
            set(bns.get(i).runningVar(), var[i], used);
        }
        return used;
    }

    private static void zero(Tensor t) { Arrays.fill(t.data(), t.offset(), t.offset() + t.size(), 0f); }

    private static void add(double[] sum, Tensor running, float momentum) {
        float[] d = running.data();
        for (int c = 0; c < sum.length; c++) sum[c] += d[running.offset() + c] / (double) momentum;
    }

    private static void set(Tensor running, double[] sum, int n) {
        float[] d = running.data();
        for (int c = 0; c < sum.length; c++) d[running.offset() + c] = (float) (sum[c] / n);
    }
}
