package dev.lanes.training.freeze;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.Cost;
import dev.lanes.training.Step;
import dev.lanes.training.TrainingState;
import dev.lanes.training.data.DataLoader;
import java.nio.file.Path;

/**
 * A training step over a model whose first stages are frozen: the frozen prefix runs in eval mode (BatchNorm
 * on its running statistics, so a sample's prefix output does not depend on its batch) and gets no backward
 * work; forward and backward run from the first unfrozen unit on ({@link Stages}). With no stage frozen it is
 * the ordinary gradient step, bit for bit.
 *
 * <p>Caching: once a prefix is frozen, its output for each training sample is stored in an {@link ActivationCache}
 * (half precision by default, in memory up to a budget, then spilled to a file) keyed by the sample's dataset
 * index from {@link DataLoader.Batch#indices()}. The first epoch after a freeze fills it (the prefix still runs);
 * every later batch whose samples are all cached skips the prefix. Every prefix output passes through the cache
 * before the suffix sees it, so the suffix reads the same bits whether the prefix ran now, in an earlier epoch or
 * in a run resumed from a checkpoint (which starts with an empty cache). The cost model charges the prefix's
 * forward only in epochs that start with an incomplete cache.
 *
 * <p>When the training loader augments (random crops or flips change a sample's pixels every epoch) a cache would
 * be wrong: the step then runs the frozen prefix forward-only every batch and caches nothing. A loader that only
 * resizes is deterministic and is cached.
 *
 * <p>Optionally a check (the freezing method's scorer) runs after the update of every {@code every}-th batch and
 * after the last batch of each epoch.
 */
public final class FrozenPrefixStep implements Step, AutoCloseable {
    private final Stages stages;
    private final Sequential units;
    private final ActivationCache.Precision precision; // null: no caching
    private final long memoryBudget;
    private final Path spillDir;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private int frozenStages, frozenUnits;
    private Module[] prefixUnits = new Module[0];
    private Sequential prefix, suffix;
    private ActivationCache cache;
    private boolean cacheRefused;
    private int samples;
    private float[] buffer;
    private Tensor full, partial;
    private int[] rowShape;
    private int every;
    private Runnable check;
    private int correct;

    /**
     * @param precision    how cached outputs are stored; null caches nothing (the prefix then runs forward every batch)
     * @param memoryBudget bytes of cache kept in memory; the rest goes to a file in {@code spillDir}
     */
    public FrozenPrefixStep(Stages stages, ActivationCache.Precision precision, long memoryBudget, Path spillDir) {
        if (memoryBudget < 0) throw new IllegalArgumentException("cache memory budget must be >= 0 but is " + memoryBudget);
        this.stages = stages;
        this.units = stages.units();
        this.precision = precision;
        this.memoryBudget = memoryBudget;
        this.spillDir = spillDir;
        Sequential[] parts = units.split(0);
        this.prefix = parts[0];
        this.suffix = parts[1];
    }

    /** Runs {@code check} after the update of batches every, 2·every, ... and after the last batch of each epoch; every = 0: only the last. */
    public FrozenPrefixStep checkEvery(int every, Runnable check) {
        if (every < 0) throw new IllegalArgumentException("check interval must be >= 0 but is " + every);
        this.every = every;
        this.check = check;
        return this;
    }

    @Override
    public String name() { return "frozen-prefix"; }

    public Stages stages() { return stages; }

    public int frozenStages() { return frozenStages; }

    public int frozenUnits() { return frozenUnits; }

    /** The cache of the current prefix, or null (nothing frozen, caching off, or an augmenting loader). */
    public ActivationCache cache() { return cache; }

    /** Bytes the cache holds, in memory and on disk. */
    public long cacheBytes() { return cache == null ? 0 : cache.memoryBytes() + cache.diskBytes(); }

    /**
     * Freezes the first {@code stageCount} stages (a prefix never shrinks): their parameters stop training and
     * lose their optimizer state, and the cache starts over for the longer prefix.
     */
    public void freeze(int stageCount, Optimizer optimizer) {
        if (stageCount < frozenStages || stageCount >= stages.count()) {
            throw new IllegalArgumentException("cannot freeze " + stageCount + " of " + stages.count() + " stages with " + frozenStages
                    + " frozen (a prefix only grows and the last stage trains)");
        }
        if (stageCount == frozenStages) return;
        for (int s = 0; s < stageCount; s++) {
            for (Parameter p : stages.parameters(s)) {
                p.setTrainable(false);
                if (optimizer.parameters().contains(p)) optimizer.dropState(p);
            }
        }
        frozenStages = stageCount;
        frozenUnits = stages.firstUnit(stageCount);
        Sequential[] parts = units.split(frozenUnits);
        prefix = parts[0];
        suffix = parts[1];
        prefixUnits = new Module[frozenUnits];
        for (int u = 0; u < frozenUnits; u++) prefixUnits[u] = units.get(u);
        if (cache != null) cache.close();
        cache = null;
        buffer = null;
        partial = null;
    }

    @Override
    public float train(TrainingState state, DataLoader.Batch b) {
        Optimizer optimizer = state.optimizer();
        optimizer.zeroGrad();
        Tensor x = b.images();
        if (frozenUnits > 0) x = prefixOutput(state.trainLoader(), b);
        Tensor logits = suffix.forward(x);
        float l = loss.forward(logits, b.labels(), 0);
        if (!Float.isFinite(l)) return l;
        suffix.backward(loss.backward(), false); // nothing upstream of the suffix needs dx
        optimizer.step();
        correct = SoftmaxCrossEntropy.correct(logits, b.labels(), 0);
        if (check != null) {
            int done = b.index() + 1;
            if (done == state.trainLoader().batchesPerEpoch() || (every > 0 && done % every == 0)) check.run();
        }
        return l;
    }

    /** The frozen prefix's output for the batch: from the cache when every sample is there, else computed (and cached). */
    private Tensor prefixOutput(DataLoader loader, DataLoader.Batch b) {
        for (Module m : prefixUnits) if (m.isTraining()) m.setTraining(false); // the trainer sets the whole model to training each epoch
        int n = b.size();
        int[] idx = b.indices();
        if (cache == null && !cacheRefused && precision != null) openCache(loader, b);
        if (cache == null) return prefix.forward(b.images());
        Tensor out = rows(n);
        int per = cache.valuesPerSample();
        boolean all = true;
        for (int i = 0; i < n && all; i++) all = cache.contains(idx[i]);
        if (all) {
            for (int i = 0; i < n; i++) cache.get(idx[i], buffer, i * per);
            return out;
        }
        Tensor h = prefix.forward(b.images());
        System.arraycopy(h.data(), h.offset(), buffer, 0, n * per);
        for (int i = 0; i < n; i++) cache.put(idx[i], buffer, i * per); // rounds the buffer to what the cache holds
        return out;
    }

    private void openCache(DataLoader loader, DataLoader.Batch b) {
        if (loader.augments()) {
            cacheRefused = true; // augmented pixels change every epoch: run the prefix forward-only instead
            return;
        }
        int[] in = b.images().shape();
        in[0] = 1;
        int[] outShape = prefix.outputShape(in); // [1, C, H, W], or [1, F] after flattening or global pooling
        int per = 1;
        for (int d = 1; d < outShape.length; d++) per *= outShape[d];
        samples = loader.dataset().size();
        cache = new ActivationCache(samples, per, precision, memoryBudget, spillDir);
        buffer = new float[loader.batchSize() * per];
        rowShape = outShape;
        full = Tensor.wrap(buffer, 0, withRows(loader.batchSize()));
    }

    private int[] withRows(int n) {
        int[] s = rowShape.clone();
        s[0] = n;
        return s;
    }

    private Tensor rows(int n) {
        if (n == full.dim(0)) return full;
        if (partial == null || partial.dim(0) != n) partial = Tensor.wrap(buffer, 0, withRows(n)); // the epoch's last, smaller batch
        return partial;
    }

    /** Whether the next epoch reads every sample's prefix output from the cache. */
    public boolean cacheComplete() { return cache != null && cache.size() == samples; }

    /** Frozen units that the coming epoch does not run (all of them once the cache is complete, else none). */
    @Override
    public int cachedPrefix() { return cacheComplete() ? frozenUnits : 0; }

    /** By the cost model over the flat units: a cached prefix costs nothing, a frozen one its forward only. */
    @Override
    public Flops costPerImage(Module model, int[] imageShape) {
        return Cost.perImage(units, imageShape, cachedPrefix());
    }

    @Override
    public int correct() { return correct; }

    /** Deletes the cache's spill file. */
    @Override
    public void close() {
        if (cache != null) cache.close();
    }

    @Override
    public String toString() {
        return "frozen-prefix(" + frozenStages + " of " + stages.count() + " stages, " + frozenUnits + " units" + (cache != null
                ? ", cache " + cache.size() + " samples " + cacheBytes() + " bytes" : "") + ")";
    }
}
