package dev.lanes.training;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.Dropout;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.LrSchedule;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Seeds;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs epochs of mini-batch training: per batch the {@link Step} (by default {@link GradientStep}: forward,
 * softmax cross-entropy, backward, optimizer update) with the learning rate from the schedule; after each
 * epoch an evaluation on the validation loader, then the {@link TrainingMethod}s (in list order, each one's
 * {@link Changes} applied before the next is asked; when one replaces the model, every other started method hears
 * of it at once through {@link TrainingMethod#onModelReplaced}), then the listeners (progress, metrics files,
 * checkpoints), which only observe a read-only {@link TrainingView}.
 *
 * <p>Determinism: the training order and augmentation depend only on the loader seed and the epoch, and
 * dropout layers are reseeded from {@code (seed, epoch)} at the start of every epoch, so with the same seed
 * and thread count two runs produce the same bits — and a run resumed from the checkpoint of epoch
 * {@code e} (model, optimizer state, history, methods' state via {@link #restore}) continues exactly as the
 * uninterrupted one.
 *
 * <p>Early stopping watches {@code val_accuracy} (higher is better) or {@code val_loss} (lower is better)
 * and stops after {@code patience} epochs without an improvement of more than {@code minDelta}. Its state
 * is derived from the history, so it survives a resume too.
 */
public final class Trainer {
    public enum Monitor { VAL_ACCURACY, VAL_LOSS }

    private final TrainingState state;
    private final int epochs;
    private final long seed;
    private final int numClasses;
    private final Monitor monitor;
    private final int patience;
    private final double minDelta;
    private final List<TrainingListener> listeners;
    private final SoftmaxCrossEntropy evalLoss = new SoftmaxCrossEntropy();
    /**
     * A training loss this many times above the larger of the run's first loss and a uniform guess's
     * (ln classes) has diverged: no learning rate that trains gets there, and a finite loss of 1e27 would
     * otherwise run to the end and write a useless model (Adam, unlike SGD, rarely overflows to NaN).
     */
    static final double DIVERGENCE_FACTOR = 1000;
    private float firstLoss = Float.NaN;

    private Trainer(Builder b) {
        LrSchedule schedule = b.schedule != null ? b.schedule : LrSchedule.constant(b.optimizer.learningRate());
        this.state = new TrainingState(b.model, b.optimizer, schedule, b.train, b.validation, b.step != null ? b.step : new GradientStep(),
                b.methods, b.epochs, b.seed);
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

    /** The current model (a method may have replaced the one the trainer was built with). */
    public Module model() { return state.model(); }

    public Optimizer optimizer() { return state.optimizer(); }

    public DataLoader trainLoader() { return state.trainLoader(); }

    /** The run's current state, read-only for observers. */
    public TrainingView view() { return state; }

    public List<TrainingMethod> methods() { return state.methods(); }

    public int epochs() { return epochs; }

    public long seed() { return seed; }

    /** Metrics of the epochs completed so far (restored ones included). */
    public List<EpochMetrics> history() { return state.history(); }

    public int completedEpochs() { return state.completedEpochs(); }

    /**
     * Adopts the history (and global step) of a checkpoint whose model, optimizer and methods' state have
     * already been loaded; {@link #fit} then continues with the next epoch.
     */
    /** Replaces the model (a checkpoint's, rebuilt from its architecture), re-binding the optimizer by path. */
    void adoptModel(Module model) { state.apply(Changes.model(model)); }

    public void restore(List<EpochMetrics> restored, long globalStep) {
        if (restored.size() > epochs) {
            throw new IllegalArgumentException("checkpoint has " + restored.size() + " epochs but this run has only " + epochs);
        }
        state.restore(restored, globalStep);
    }

    /** Trains from the epoch after the last completed one to {@link #epochs()} or an early stop. */
    public TrainingResult fit() {
        long start = System.nanoTime();
        int first = state.completedEpochs() + 1;
        List<TrainingMethod> methods = state.methods();
        for (int i = 0; i < methods.size(); i++) {
            Module before = state.model();
            state.apply(methods.get(i).onRunStart(state));
            tellOthers(methods.get(i), before, i); // only those before it have started
        }
        DataLoader train = state.trainLoader();
        for (TrainingListener l : listeners) l.onRunStart(first, epochs, train.batchesPerEpoch(), train.samplesPerEpoch());
        boolean stopped = shouldStop();
        for (int epoch = first; epoch <= epochs && !stopped; epoch++) {
            for (TrainingMethod m : state.methods()) m.onEpochStart(state, epoch);
            EpochMetrics metrics = runEpoch(epoch);
            state.addEpoch(metrics);
            for (TrainingMethod m : methods) {
                Module before = state.model();
                state.apply(m.onEpochEnd(state, metrics));
                tellOthers(m, before, methods.size());
            }
            for (TrainingListener l : listeners) l.onEpochEnd(metrics, state);
            stopped = shouldStop();
        }
        TrainingResult r = new TrainingResult(List.copyOf(state.history()), stopped && state.completedEpochs() < epochs, bestEpoch(),
                (System.nanoTime() - start) / 1e9);
        for (TrainingListener l : listeners) l.onRunEnd(r);
        return r;
    }

    /**
     * After {@code changer} acted: if it replaced the model, every other started method (the first
     * {@code started} in the list) hears of it at once, before anyone else acts on the new model. A replacement
     * made in answer is told on in turn.
     */
    private void tellOthers(TrainingMethod changer, Module before, int started) {
        if (state.model() == before) return;
        List<TrainingMethod> methods = state.methods();
        for (int j = 0; j < started; j++) {
            TrainingMethod other = methods.get(j);
            if (other == changer) continue;
            Module now = state.model();
            state.apply(other.onModelReplaced(state, before));
            tellOthers(other, now, started);
        }
    }

    /** One epoch (1-based) of training then evaluation. */
    private EpochMetrics runEpoch(int epoch) {
        int e0 = epoch - 1;
        Module model = state.model();
        Optimizer optimizer = state.optimizer();
        LrSchedule schedule = state.schedule();
        DataLoader train = state.trainLoader();
        Step step = state.step();
        reseedDropout(model, e0, new int[] {0});
        model.train();
        int steps = train.batchesPerEpoch();
        Flops perImage = step.costPerImage(model, train.imageShape());
        double lossSum = 0;
        long correct = 0, samples = 0;
        float lr = optimizer.learningRate();
        long t0 = System.nanoTime();
        try (DataLoader.EpochIterator it = train.epoch(e0)) {
            while (it.hasNext()) {
                DataLoader.Batch b = it.next();
                lr = schedule.rate(e0, b.index(), steps);
                optimizer.setLearningRate(lr);
                float l = step.train(state, b);
                if (Float.isNaN(firstLoss)) firstLoss = l;
                if (!Float.isFinite(l) || l > DIVERGENCE_FACTOR * Math.max(firstLoss, Math.log(Math.max(2, numClasses)))) {
                    throw new IllegalStateException("training diverged: loss is " + Formats.compact(l) + " at epoch " + epoch + ", step " + b.index()
                            + " (learning rate " + Formats.compact(lr) + ", first loss of the run " + Formats.compact(firstLoss) + "); try a smaller --lr");
                }
                state.stepDone();
                lossSum += (double) l * b.size();
                correct += step.correct();
                samples += b.size();
                long elapsed = System.nanoTime() - t0;
                for (TrainingListener li : listeners) li.onBatchEnd(epoch, b.index(), (int) samples, lossSum / samples, elapsed);
            }
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        DataLoader validation = state.validationLoader();
        Evaluation val = validation == null ? null : evaluate(validation);
        double evalSeconds = (System.nanoTime() - t1) / 1e9;
        return new EpochMetrics(epoch, samples == 0 ? Double.NaN : lossSum / samples, samples == 0 ? Double.NaN : (double) correct / samples,
                val, lr, trainSeconds, evalSeconds, samples, perImage.forward() * samples, perImage.training() * samples);
    }

    /** Loss, accuracy and confusion matrix of the model (in eval mode) over one pass of {@code loader}. */
    public Evaluation evaluate(DataLoader loader) {
        return evaluate(state.model(), loader, numClasses, evalLoss);
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
        for (EpochMetrics m : state.history()) {
            if (better(monitored(m), bestValue)) {
                best = m.epoch();
                bestValue = monitored(m);
            }
        }
        return best;
    }

    private boolean shouldStop() {
        List<EpochMetrics> history = state.history();
        if (patience <= 0 || state.validationLoader() == null || history.isEmpty()) return false;
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
        private final List<TrainingMethod> methods = new ArrayList<>();
        private Step step;

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

        /** Adds a method; methods act in the order they are added. */
        public Builder method(TrainingMethod m) {
            if (m == null) throw new IllegalArgumentException("method is null");
            methods.add(m);
            return this;
        }

        /** The step to start with (default {@link GradientStep}); methods may replace it. */
        public Builder step(Step s) { this.step = s; return this; }

        public Trainer build() { return new Trainer(this); }
    }
}
