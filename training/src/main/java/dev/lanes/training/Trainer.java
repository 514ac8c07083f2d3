package dev.lanes.training;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.Dropout;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.LrSchedule;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs epochs of mini-batch training: per step forward, softmax cross-entropy, backward, optimizer step
 * with the learning rate from the schedule; after each epoch an evaluation on the validation loader,
 * then the listeners (progress, metrics files, checkpoints).
 *
 * <p>Determinism: the training order and augmentation depend only on the loader seed and the epoch, and
 * dropout layers are reseeded from {@code (seed, epoch)} at the start of every epoch, so with the same seed
 * and thread count two runs produce the same bits — and a run resumed from the checkpoint of epoch
 * {@code e} (model, optimizer state, history via {@link #restore}) continues exactly as the uninterrupted one.
 *
 * <p>Early stopping watches {@code val_accuracy} (higher is better) or {@code val_loss} (lower is better)
 * and stops after {@code patience} epochs without an improvement of more than {@code minDelta}. Its state
 * is derived from the history, so it survives a resume too.
 */
public final class Trainer {
    public enum Monitor { VAL_ACCURACY, VAL_LOSS }

    private final Module model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final DataLoader train;
    private final DataLoader validation;
    private final int epochs;
    private final long seed;
    private final int numClasses;
    private final Monitor monitor;
    private final int patience;
    private final double minDelta;
    private final List<TrainingListener> listeners;
    private final List<EpochMetrics> history = new ArrayList<>();
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final SoftmaxCrossEntropy evalLoss = new SoftmaxCrossEntropy();

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule != null ? b.schedule : LrSchedule.constant(b.optimizer.learningRate());
        this.train = b.train;
        this.validation = b.validation;
        this.epochs = b.epochs;
        this.seed = b.seed;
        this.numClasses = b.numClasses > 0 ? b.numClasses : b.train.dataset().numClasses();
        this.monitor = b.monitor;
        this.patience = b.patience;
        this.minDelta = b.minDelta;
        this.listeners = List.copyOf(b.listeners);
    }

    public static Builder builder(Module model, Optimizer optimizer, DataLoader train) {
        return new Builder(model, optimizer, train);
    }

    public Module model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    public DataLoader trainLoader() { return train; }

    public int epochs() { return epochs; }

    public long seed() { return seed; }

    /** Metrics of the epochs completed so far (restored ones included). */
    public List<EpochMetrics> history() { return Collections.unmodifiableList(history); }

    public int completedEpochs() { return history.size(); }

    /**
     * Adopts the history of a checkpoint whose model and optimizer state have already been loaded;
     * {@link #fit} then continues with the next epoch.
     */
    public void restore(List<EpochMetrics> restored) {
        if (restored.size() > epochs) {
            throw new IllegalArgumentException("checkpoint has " + restored.size() + " epochs but this run has only " + epochs);
        }
        history.clear();
        history.addAll(restored);
    }

    /** Trains from the epoch after the last completed one to {@link #epochs()} or an early stop. */
    public TrainingResult fit() {
        long start = System.nanoTime();
        int first = history.size() + 1;
        for (TrainingListener l : listeners) l.onRunStart(first, epochs, train.batchesPerEpoch(), train.samplesPerEpoch());
        boolean stopped = shouldStop();
        for (int epoch = first; epoch <= epochs && !stopped; epoch++) {
            EpochMetrics m = runEpoch(epoch);
            history.add(m);
            for (TrainingListener l : listeners) l.onEpochEnd(m, this);
            stopped = shouldStop();
        }
        TrainingResult r = new TrainingResult(List.copyOf(history), stopped && history.size() < epochs, bestEpoch(),
                (System.nanoTime() - start) / 1e9);
        for (TrainingListener l : listeners) l.onRunEnd(r);
        return r;
    }

    /** One epoch (1-based) of training then evaluation. */
    private EpochMetrics runEpoch(int epoch) {
        int e0 = epoch - 1;
        reseedDropout(model, e0, new int[] {0});
        model.train();
        int steps = train.batchesPerEpoch();
        int[] imageShape = train.imageShape();
        long flopsPerImage = 3 * model.flops(new int[] {1, imageShape[0], imageShape[1], imageShape[2]});
        double lossSum = 0;
        long correct = 0, samples = 0;
        float lr = optimizer.learningRate();
        long t0 = System.nanoTime();
        try (DataLoader.EpochIterator it = train.epoch(e0)) {
            while (it.hasNext()) {
                DataLoader.Batch b = it.next();
                lr = schedule.rate(e0, b.index(), steps);
                optimizer.setLearningRate(lr);
                optimizer.zeroGrad();
                Tensor logits = model.forward(b.images());
                float l = loss.forward(logits, b.labels(), 0);
                if (!Float.isFinite(l)) {
                    throw new IllegalStateException("training diverged: loss is " + l + " at epoch " + epoch + ", step " + b.index()
                            + " (learning rate " + lr + "); try a smaller --lr");
                }
                model.backward(loss.backward(), false); // nothing upstream of the model needs dx
                optimizer.step();
                lossSum += (double) l * b.size();
                correct += SoftmaxCrossEntropy.correct(logits, b.labels(), 0);
                samples += b.size();
                long elapsed = System.nanoTime() - t0;
                for (TrainingListener li : listeners) li.onBatchEnd(epoch, b.index(), (int) samples, lossSum / samples, elapsed);
            }
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        Evaluation val = validation == null ? null : evaluate(validation);
        double evalSeconds = (System.nanoTime() - t1) / 1e9;
        return new EpochMetrics(epoch, samples == 0 ? Double.NaN : lossSum / samples, samples == 0 ? Double.NaN : (double) correct / samples,
                val, lr, trainSeconds, evalSeconds, samples, flopsPerImage * samples);
    }

    /** Loss, accuracy and confusion matrix of the model (in eval mode) over one pass of {@code loader}. */
    public Evaluation evaluate(DataLoader loader) {
        return evaluate(model, loader, numClasses, evalLoss);
    }

    public static Evaluation evaluate(Module model, DataLoader loader, int numClasses) {
        return evaluate(model, loader, numClasses, new SoftmaxCrossEntropy());
    }

    private static Evaluation evaluate(Module model, DataLoader loader, int numClasses, SoftmaxCrossEntropy lossFn) {
        boolean wasTraining = model.isTraining();
        model.eval();
        int[][] confusion = new int[numClasses][numClasses];
        double lossSum = 0;
        long samples = 0, correct = 0;
        try (DataLoader.EpochIterator it = loader.epoch(0)) {
            while (it.hasNext()) {
                DataLoader.Batch b = it.next();
                Tensor logits = model.forward(b.images());
                lossSum += (double) lossFn.forward(logits, b.labels(), 0) * b.size();
                for (int i = 0; i < b.size(); i++) {
                    int p = logits.argmax(i), t = b.labels()[i];
                    confusion[t][p]++;
                    if (p == t) correct++;
                }
                samples += b.size();
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return new Evaluation(samples == 0 ? Double.NaN : lossSum / samples, samples == 0 ? Double.NaN : (double) correct / samples, confusion);
    }

    /** Gives every dropout layer a mask sequence that depends only on (seed, epoch, its position). */
    private void reseedDropout(Module m, int epoch, int[] counter) {
        if (m instanceof Dropout d) d.reseed(Seeds.mix(seed, 3, epoch, counter[0]++));
        for (Module c : m.children()) reseedDropout(c, epoch, counter);
    }

    private double monitored(EpochMetrics m) {
        return monitor == Monitor.VAL_ACCURACY ? m.valAccuracy() : m.valLoss();
    }

    private boolean better(double candidate, double best) {
        if (!Double.isFinite(candidate)) return false;
        if (!Double.isFinite(best)) return true;
        return monitor == Monitor.VAL_ACCURACY ? candidate > best + minDelta : candidate < best - minDelta;
    }

    /** 1-based epoch with the best monitored metric so far, 0 without validation. */
    public int bestEpoch() {
        int best = 0;
        double bestValue = Double.NaN;
        for (EpochMetrics m : history) {
            if (better(monitored(m), bestValue)) {
                best = m.epoch();
                bestValue = monitored(m);
            }
        }
        return best;
    }

    private boolean shouldStop() {
        if (patience <= 0 || validation == null || history.isEmpty()) return false;
        return history.get(history.size() - 1).epoch() - bestEpoch() >= patience;
    }

    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final DataLoader train;
        private LrSchedule schedule;
        private DataLoader validation;
        private int epochs = 1;
        private long seed;
        private int numClasses;
        private Monitor monitor = Monitor.VAL_ACCURACY;
        private int patience;
        private double minDelta;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder(Module model, Optimizer optimizer, DataLoader train) {
            if (model == null || optimizer == null || train == null) throw new IllegalArgumentException("model, optimizer and loader are required");
            this.model = model;
            this.optimizer = optimizer;
            this.train = train;
        }

        public Builder schedule(LrSchedule s) { this.schedule = s; return this; }

        public Builder validation(DataLoader v) { this.validation = v; return this; }

        public Builder epochs(int n) {
            if (n < 1) throw new IllegalArgumentException("epochs must be >= 1 but is " + n);
            this.epochs = n;
            return this;
        }

        /** Seed for the trainer's own randomness (dropout masks); the loader has its own. */
        public Builder seed(long s) { this.seed = s; return this; }

        /** Number of classes for the confusion matrix (default: the training dataset's). */
        public Builder numClasses(int n) { this.numClasses = n; return this; }

        /** Stops after {@code patience} epochs without improving {@code monitor} by more than {@code minDelta}; 0 = off. */
        public Builder earlyStopping(Monitor monitor, int patience, double minDelta) {
            if (patience < 0) throw new IllegalArgumentException("patience must be >= 0 but is " + patience);
            this.monitor = monitor;
            this.patience = patience;
            this.minDelta = minDelta;
            return this;
        }

        public Builder listener(TrainingListener l) { listeners.add(l); return this; }

        public Trainer build() { return new Trainer(this); }
    }
}
