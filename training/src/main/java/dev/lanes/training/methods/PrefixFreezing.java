package dev.lanes.training.methods;

import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.training.Changes;
import dev.lanes.training.Cost;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.Json;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import dev.lanes.training.freeze.ActivationCache;
import dev.lanes.training.freeze.FrozenPrefixStep;
import dev.lanes.training.freeze.Stages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link Freeze} (scores) and {@link FreezeOut} (a fixed schedule) share: the model seen as {@link Stages},
 * a {@link FrozenPrefixStep} that trains only after the frozen prefix and caches its outputs, the decision at
 * each epoch's end of how long the frozen prefix is, its state for checkpoints, and one line per epoch.
 *
 * <p>Common options: {@code cache=half|full|off} (default half: prefix outputs stored as float16; off runs the
 * frozen prefix forward-only every batch), {@code budget=MB} of cache kept in memory (default 1024; beyond it the
 * cache spills to a file), {@code spill=DIR} for that file (default the system temporary folder).
 */
abstract class PrefixFreezing implements TrainingMethod {
    /** What one epoch trained with and cost; {@code frozenAfter} is the prefix decided at its end. */
    record EpochLog(int epoch, int frozenStages, int frozenUnits, int frozenAfter, long forwardFlops, long trainFlops,
                    long fullForwardFlops, long cacheBytes, double trainSeconds) {
        Json toJson() {
            return Json.object().put("epoch", epoch).put("frozen_stages", frozenStages).put("frozen_units", frozenUnits)
                    .put("frozen_stages_after", frozenAfter).put("forward_flops", forwardFlops).put("train_flops", trainFlops)
                    .put("unfrozen_forward_flops", fullForwardFlops).put("cache_bytes", cacheBytes).put("train_seconds", trainSeconds);
        }
    }

    private final ActivationCache.Precision precision;
    private final long budgetBytes;
    private final Path spillDir;
    protected Stages stages;
    protected FrozenPrefixStep step;
    private int restoredPrefix;
    private final List<EpochLog> log = new ArrayList<>();
    private long forwardSum, fullForwardSum;
    // what the current epoch trains with, for its log line: another method may replace model and step before it ends
    private Stages epochStages;
    private int[] epochImage;
    private int epochFrozen, epochUnits;
    private int replacedAfter = -1; // completed epochs when another method last replaced the model
    private long replacedCacheBytes;

    PrefixFreezing(ActivationCache.Precision precision, long budgetBytes, Path spillDir) {
        this.precision = precision;
        this.budgetBytes = budgetBytes;
        this.spillDir = spillDir;
    }

    static ActivationCache.Precision precision(MethodSpec spec) {
        return switch (spec.options().getOrDefault("cache", "half").toLowerCase(Locale.ROOT)) {
            case "half" -> ActivationCache.Precision.HALF;
            case "full" -> ActivationCache.Precision.FULL;
            case "off" -> null;
            default -> throw new IllegalArgumentException("method " + spec.name() + ": cache must be half, full or off but is '"
                    + spec.options().get("cache") + "'");
        };
    }

    static long budget(MethodSpec spec) { return (long) spec.intOption("budget", 1024, 0, 1 << 20) << 20; }

    static Path spill(MethodSpec spec) {
        String dir = spec.options().get("spill");
        return Path.of(dir != null ? dir : System.getProperty("java.io.tmpdir")).resolve("lanes-activations");
    }

    static double number(MethodSpec spec, String key, double def, double min, double max) {
        String v = spec.options().get(key);
        if (v == null) return def;
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("method " + spec.name() + ": " + key + " must be a number but is '" + v + "'");
        }
        if (!(x >= min && x <= max)) throw new IllegalArgumentException("method " + spec.name() + ": " + key + " must be in [" + min + ", " + max + "] but is " + x);
        return x;
    }

    /** The step in use (after run start), or null. */
    public FrozenPrefixStep step() { return step; }

    /** One entry per epoch trained in this run (not the restored ones). */
    List<EpochLog> epochLog() { return List.copyOf(log); }

    /** Sets up whatever deciding needs once the stages are known (also after a resume). */
    abstract void start(TrainingState state);

    /** The frozen prefix (in stages) after epoch {@code epoch}; at least {@code current}, below the stage count. */
    abstract int decide(TrainingState state, int epoch, int current);

    /** Forgets what deciding learnt from the previous model, after another method replaced it; nothing by default. */
    void restart() {}

    @Override
    public Changes onRunStart(TrainingState state) {
        stages = Stages.of(state.model());
        if (step != null) step.close();
        step = new FrozenPrefixStep(stages, precision, budgetBytes, spillDir);
        if (restoredPrefix > 0) step.freeze(restoredPrefix, state.optimizer());
        start(state);
        return Changes.step(step);
    }

    @Override
    public void onEpochStart(TrainingState state, int epoch) {
        epochStages = stages;
        epochImage = state.trainLoader().imageShape();
        epochFrozen = step.frozenStages();
        epochUnits = step.frozenUnits();
    }

    /**
     * Another method replaced the model: the stages and the step are rebuilt on the new one. The frozen prefix
     * stays frozen when its parameters are unchanged (same unit paths, shapes and values: a prune leaves a
     * frozen prefix alone) and trains again otherwise (rescale's switch resamples its kernels). What deciding
     * learnt restarts ({@link #restart}): freeze's scores measured the model that is gone, so its warmup
     * applies anew (unless {@code history=keep}). The activation cache starts empty, as after a resume, so a checkpoint taken now resumes
     * exactly.
     */
    @Override
    public Changes onModelReplaced(TrainingState state, Module before) {
        int prefix = step.frozenStages();
        Stages next = Stages.of(state.model());
        if (!samePrefix(stages, next, prefix)) {
            for (int s = 0; s < Math.min(prefix, next.count()); s++) for (Parameter p : next.parameters(s)) p.setTrainable(true);
            System.err.printf(Locale.ROOT, "%s: the model was replaced and its first %d stages changed: they train again%n", name(), prefix);
            prefix = 0;
        }
        replacedCacheBytes = step.cacheBytes();
        replacedAfter = state.completedEpochs();
        step.close();
        stages = next;
        step = new FrozenPrefixStep(stages, precision, budgetBytes, spillDir);
        if (prefix > 0) step.freeze(prefix, state.optimizer());
        restart();
        start(state);
        return Changes.step(step);
    }

    /** Whether the first {@code prefix} stages of both are the same units with equal parameters. */
    private static boolean samePrefix(Stages a, Stages b, int prefix) {
        if (prefix == 0) return true;
        if (b.count() <= prefix || a.firstUnit(prefix) != b.firstUnit(prefix)) return false;
        for (int u = 0; u < a.firstUnit(prefix); u++) if (!a.unitPath(u).equals(b.unitPath(u))) return false;
        for (int s = 0; s < prefix; s++) {
            List<Parameter> pa = a.parameters(s), pb = b.parameters(s);
            if (pa.size() != pb.size()) return false;
            for (int i = 0; i < pa.size(); i++) {
                if (!Arrays.equals(pa.get(i).shape(), pb.get(i).shape()) || !Arrays.equals(pa.get(i).value().toArray(), pb.get(i).value().toArray())) return false;
            }
        }
        return true;
    }

    @Override
    public Changes onEpochEnd(TrainingState state, EpochMetrics metrics) {
        // replaced during this epoch's end (by a method before this one): the new model has not trained yet, nothing to decide
        boolean replaced = replacedAfter == metrics.epoch();
        int before = epochFrozen, units = epochUnits;
        long cacheBytes = replaced ? replacedCacheBytes : step.cacheBytes(); // what this epoch held: a longer prefix starts a new cache
        int after = replaced ? step.frozenStages() : decide(state, metrics.epoch(), before);
        if (after > step.frozenStages()) step.freeze(after, state.optimizer());
        int[] image = epochImage;
        Flops full = Cost.perImage(epochStages.units(), image, 0);
        // the forward work of the same model with nothing frozen: what the paper's reduction is measured against
        long fullForward = full.forward() * metrics.trainSamples();
        EpochLog e = new EpochLog(metrics.epoch(), before, units, after, metrics.forwardFlops(), metrics.trainFlops(), fullForward,
                cacheBytes, metrics.trainSeconds());
        log.add(e);
        forwardSum += e.forwardFlops();
        fullForwardSum += fullForward;
        System.err.printf(Locale.ROOT, "%s: epoch %d: trained with %d of %d stages frozen (%d units), forward %.3g FLOPs (%.1f%% of unfrozen), "
                        + "training %.3g FLOPs, cache %.2f MB, %.1f s; now %d frozen%s%s%n", name(), e.epoch(), before, stages.count(), units,
                (double) e.forwardFlops(), 100.0 * e.forwardFlops() / fullForward, (double) e.trainFlops(), e.cacheBytes() / 1e6,
                e.trainSeconds(), after, after > before ? " (up to " + stages.name(after - 1) + ")" : "", replaced ? " (model replaced)" : "");
        return Changes.NONE;
    }

    /** 1 − forward FLOPs of this run's epochs / those of the same epochs with nothing frozen (the paper's metric). */
    public double forwardFlopsReduction() { return fullForwardSum == 0 ? Double.NaN : 1 - (double) forwardSum / fullForwardSum; }

    /** The per-epoch log and the run's forward-FLOPs reduction. */
    @Override
    public Json summary() {
        List<Object> epochs = new ArrayList<>();
        for (EpochLog e : log) epochs.add(e.toJson());
        return Json.object().put("stages", stages == null ? 0 : stages.count())
                .put("frozen_stages", step == null ? 0 : step.frozenStages())
                .put("forward_flops_reduction", forwardFlopsReduction())
                .put("max_cache_bytes", log.stream().mapToLong(EpochLog::cacheBytes).max().orElse(0))
                .put("epochs", epochs);
    }

    /** The frozen prefix, plus what a subclass keeps. */
    @Override
    public Map<String, String> state() {
        Map<String, String> s = new LinkedHashMap<>(extraState());
        s.put("prefix", Integer.toString(step == null ? restoredPrefix : step.frozenStages()));
        return s;
    }

    Map<String, String> extraState() { return Map.of(); }

    @Override
    public void loadState(Map<String, String> state) {
        restoredPrefix = Integer.parseInt(state.getOrDefault("prefix", "0"));
        loadExtraState(state);
    }

    void loadExtraState(Map<String, String> state) {}
}
