package dev.lanes.training.methods;

import dev.lanes.training.TrainingState;
import dev.lanes.training.freeze.ActivationCache;
import dev.lanes.training.freeze.FreezeRule;
import dev.lanes.training.freeze.StageScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code freeze[:every=N,warmup=E,tau=T,threshold=relative|absolute|decay|settled,patience=P,keep=K,history=restart|keep,cache=half|full|off,budget=MB,spill=DIR]}:
 * layer-score freezing after Cruciata et al. (2026, "Learn&amp;Drop"). The model is cut into stages ({@link
 * dev.lanes.training.freeze.Stages}: each conv or linear layer with the BN/ReLU/pooling after it, each residual block,
 * the classifier last). At every check a stage scores the relative change of all its parameters since the previous
 * check, ‖W(t) − W(t−1)‖₂ / ‖W(t−1)‖₂ ({@link StageScorer}); at each epoch's end {@link FreezeRule} freezes the
 * longest prefix of stages that have stopped learning: a stage has stopped once its score stayed below the threshold
 * for {@code patience} consecutive checks. Frozen stages stop training, lose their optimizer state and run BatchNorm
 * on running statistics; their outputs are cached so later epochs run only the suffix
 * ({@link dev.lanes.training.freeze.FrozenPrefixStep}, which also says when it cannot cache).
 *
 * <p>Options and defaults:
 * <ul>
 *   <li>{@code every=N}: check every N training steps and after each epoch's last step (default 0: once per epoch);
 *       decisions still happen only at epoch ends;</li>
 *   <li>{@code warmup=E}: the checks of the first E epochs only observe; the first decision is at the end of epoch
 *       E + 1 (default 1);</li>
 *   <li>{@code tau=T}: the threshold, as a multiple of the stage's own highest score so far ({@code threshold=decay},
 *       default: its learning has fallen to a fraction of its peak), of its highest score after the warm-up
 *       ({@code threshold=settled}: the first epoch's move away from the initialisation does not count), of the
 *       median score of the stages with parameters at that check ({@code threshold=relative}), or as an absolute
 *       relative change ({@code threshold=absolute}); default 0.5 (see {@link FreezeRule}). The median rule is the
 *       scale-free one in the sketch, but on VGG the middle stages change more than the median all
 *       through training, so it never froze past the first stage (README, measured);</li>
 *   <li>{@code patience=P}: consecutive checks below the threshold (default 1);</li>
 *   <li>{@code keep=K}: the last K stages (the classifier head) never freeze (default 1);</li>
 *   <li>{@code history=restart|keep}: when another method replaces the model (rescale's switch, a prune), the scores
 *       so far are dropped and the warm-up applies anew (restart, the default), or kept when the new model has as
 *       many stages (keep: a score is a relative change, so it stays comparable across a prune or a resampling;
 *       the next check measures from the new model's parameters). Inside a composition a restart after every
 *       replacement left freeze no epoch to act in (README);</li>
 *   <li>{@code cache}, {@code budget}, {@code spill}: see {@link PrefixFreezing}.</li>
 * </ul>
 * A resumed run gets back the frozen prefix and the score history from the checkpoint; the scorer's reference is
 * the checkpoint's parameters, which are exactly those of the check after the epoch's last step.
 */
public final class Freeze extends PrefixFreezing {
    public static final String NAME = "freeze";
    private final int every, warmupEpochs, patience, keep;
    private final boolean keepHistory;
    private final double tau;
    private final FreezeRule.Threshold mode;
    private FreezeRule rule;
    private StageScorer scorer;
    private final List<double[]> history = new ArrayList<>();

    public Freeze(int every, int warmupEpochs, double tau, FreezeRule.Threshold mode, int patience, int keep, ActivationCache.Precision precision,
                  long budgetBytes, Path spillDir) {
        this(every, warmupEpochs, tau, mode, patience, keep, false, precision, budgetBytes, spillDir);
    }

    /** {@code keepHistory}: scores survive a model replacement that keeps the stage count ({@code history=keep}). */
    public Freeze(int every, int warmupEpochs, double tau, FreezeRule.Threshold mode, int patience, int keep, boolean keepHistory,
                  ActivationCache.Precision precision, long budgetBytes, Path spillDir) {
        super(precision, budgetBytes, spillDir);
        if (every < 0 || warmupEpochs < 0 || patience < 1 || keep < 1 || !(tau > 0) || mode == null) {
            throw new IllegalArgumentException(NAME + ": needs every >= 0, warmup >= 0, patience >= 1, keep >= 1 and tau > 0 but got every="
                    + every + " warmup=" + warmupEpochs + " patience=" + patience + " keep=" + keep + " tau=" + tau);
        }
        this.every = every;
        this.warmupEpochs = warmupEpochs;
        this.tau = tau;
        this.mode = mode;
        this.patience = patience;
        this.keep = keep;
        this.keepHistory = keepHistory;
    }

    static Freeze of(MethodSpec spec) {
        spec.allowOnly("every", "warmup", "tau", "threshold", "patience", "keep", "history", "cache", "budget", "spill");
        boolean keepHistory = switch (spec.options().getOrDefault("history", "restart").toLowerCase(Locale.ROOT)) {
            case "restart" -> false;
            case "keep" -> true;
            default -> throw new IllegalArgumentException("method " + NAME + ": history must be restart or keep but is '" + spec.options().get("history") + "'");
        };
        FreezeRule.Threshold mode = switch (spec.options().getOrDefault("threshold", "decay").toLowerCase(Locale.ROOT)) {
            case "relative", "median" -> FreezeRule.Threshold.MEDIAN;
            case "absolute" -> FreezeRule.Threshold.ABSOLUTE;
            case "decay" -> FreezeRule.Threshold.DECAY;
            case "settled" -> FreezeRule.Threshold.SETTLED;
            default -> throw new IllegalArgumentException("method " + NAME + ": threshold must be relative, absolute, decay or settled but is '"
                    + spec.options().get("threshold") + "'");
        };
        return new Freeze(spec.intOption("every", 0, 0, Integer.MAX_VALUE), spec.intOption("warmup", 1, 0, 1_000_000),
                number(spec, "tau", 0.5, Double.MIN_VALUE, Double.MAX_VALUE), mode, spec.intOption("patience", 1, 1, 1_000_000),
                spec.intOption("keep", 1, 1, 10_000), keepHistory, precision(spec), budget(spec), spill(spec));
    }

    @Override
    public String name() { return NAME; }

    /** Every check's scores so far, oldest first (restored ones included). */
    public List<double[]> scores() { return Collections.unmodifiableList(history); }

    @Override
    void start(TrainingState state) {
        int batches = state.trainLoader().batchesPerEpoch();
        int checksPerEpoch = every == 0 ? 1 : (batches + every - 1) / every;
        if (keep >= stages.count()) throw new IllegalArgumentException(NAME + ": keep=" + keep + " leaves nothing to freeze in " + stages.count() + " stages");
        rule = new FreezeRule(warmupEpochs * checksPerEpoch, tau, mode, patience, keep);
        scorer = new StageScorer(stages.values()); // the current parameters: the reference of the next check
        step.checkEvery(every, () -> history.add(scorer.check()));
    }

    /**
     * The scores so far measured a model that another method has replaced (resampled, pruned): they start over,
     * unless {@code history=keep} and the new model has as many stages.
     */
    @Override
    void restart() {
        if (keepHistory && !history.isEmpty() && history.get(0).length == stages.count()) return;
        history.clear();
    }

    @Override
    int decide(TrainingState state, int epoch, int current) {
        int c = history.size() - 1;
        double[] last = history.get(c);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < last.length; i++) {
            sb.append(i > 0 ? " " : "").append(i < current ? "frozen"
                    : String.format(Locale.ROOT, "%.3g/%.2f", last[i], last[i] / rule.threshold(history, c, i)));
        }
        System.err.printf(Locale.ROOT, "%s: epoch %d: stage scores (score/threshold): %s%n", NAME, epoch, sb);
        return rule.frozenPrefix(history, current);
    }

    /** The score history as text: checks separated by ';', stages by ',' (exact decimal doubles). */
    @Override
    Map<String, String> extraState() {
        StringBuilder sb = new StringBuilder();
        for (double[] s : history) {
            if (!sb.isEmpty()) sb.append(';');
            for (int i = 0; i < s.length; i++) sb.append(i > 0 ? "," : "").append(s[i]);
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("scores", sb.toString());
        return m;
    }

    @Override
    void loadExtraState(Map<String, String> state) {
        history.clear();
        String s = state.getOrDefault("scores", "");
        if (s.isEmpty()) return;
        for (String check : s.split(";")) history.add(Arrays.stream(check.split(",")).mapToDouble(Double::parseDouble).toArray());
    }
}
