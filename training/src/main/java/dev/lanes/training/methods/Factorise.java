package dev.lanes.training.methods;

import dev.lanes.nn.Module;
import dev.lanes.training.Changes;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.Json;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import dev.lanes.training.lowrank.FreshOptimizer;
import dev.lanes.training.lowrank.RankCriterion;
import dev.lanes.training.lowrank.RankPlan;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lowrank:at=E[,flops=R|energy=X]}: low-rank factorisation in the middle of a run. At the start of epoch E
 * (after epoch E − 1's evaluation, so that epoch's checkpoint already holds the factorised model) the conv and
 * linear layers are replaced by their truncated-SVD factorisations ({@link dev.lanes.nn.surgery.LowRank}), ranks
 * chosen by a FLOPs budget over those layers ({@code flops}, default 0.5) or an energy threshold ({@code energy}),
 * a layer whose rank would save no FLOPs kept as it is; the
 * epochs from E on fine-tune the factorised model under the run's own schedule. E = 1 factorises before any
 * training. The optimizer starts afresh ({@link FreshOptimizer}), see {@link #switchNow}.
 *
 * <p>State in checkpoints: whether the surgery has happened, and its ranks and FLOPs for the summary; a resumed
 * run takes the factorised architecture from the checkpoint, so it continues exactly in either phase.
 */
public final class Factorise implements TrainingMethod {
    public static final String NAME = "lowrank";

    private final int at;
    private final RankCriterion criterion;

    private boolean done;
    private Map<String, Integer> ranks = Map.of();
    private long flopsBefore, flopsAfter, convFlopsBefore, convFlopsAfter;

    public Factorise(int at, RankCriterion criterion) {
        if (at < 1) throw new IllegalArgumentException(NAME + ": at must be >= 1 but is " + at);
        this.at = at;
        this.criterion = criterion;
    }

    static Factorise of(MethodSpec spec) {
        spec.allowOnly("at", "flops", "energy");
        if (spec.options().containsKey("flops") && spec.options().containsKey("energy"))
            throw new IllegalArgumentException("method " + NAME + ": flops and energy exclude each other");
        boolean byEnergy = spec.options().containsKey("energy");
        double value = byEnergy ? spec.doubleOption("energy", 1) : spec.doubleOption("flops", 0.5);
        RankCriterion c;
        try {
            c = new RankCriterion(byEnergy, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("method " + NAME + ": " + e.getMessage(), e);
        }
        return new Factorise(spec.intOption("at", null, 1, 1_000_000), c);
    }

    @Override
    public String name() { return NAME; }

    /** Whether the model has been factorised (the surgery has happened and found a layer to factorise). */
    public boolean factorised() { return done && !ranks.isEmpty(); }

    /** The epoch whose start factorises the model. */
    public int at() { return at; }

    /** The ranks chosen (layer path → rank); empty before the surgery. */
    public Map<String, Integer> ranks() { return ranks; }

    @Override
    public Changes onRunStart(TrainingState state) {
        if (at > state.epochs())
            throw new IllegalArgumentException(NAME + ": at=" + at + " is after the run's last epoch (" + state.epochs() + ")");
        return !done && state.completedEpochs() >= at - 1 ? switchNow(state) : Changes.NONE;
    }

    @Override
    public Changes onEpochEnd(TrainingState state, EpochMetrics metrics) {
        return !done && metrics.epoch() == at - 1 ? switchNow(state) : Changes.NONE;
    }

    /**
     * The surgery, and a fresh optimizer state. Why fresh: the factors are new parameters that never had moments,
     * and the layers kept as they are now see other gradients (the factorised layers feed and are fed by them), so
     * their old Adam moments would scale their first fine-tuning steps by statistics of a network that no longer
     * exists, unlike the factors' bias-corrected first steps; starting all parameters together is also what
     * {@code lanes compress lowrank --fine-tune-epochs} does (a model file holds no optimizer state), so both
     * fine-tunings are the same procedure.
     */
    private Changes switchNow(TrainingState state) {
        Module model = state.model();
        RankPlan plan = RankPlan.of(model, state.trainLoader().imageShape(), criterion);
        done = true;
        ranks = plan.ranks();
        flopsBefore = plan.flopsBefore();
        flopsAfter = plan.flopsAfter();
        convFlopsBefore = plan.convFlopsBefore();
        convFlopsAfter = plan.convFlopsAfter();
        if (ranks.isEmpty()) {
            System.err.printf(Locale.ROOT, "lowrank: at epoch %d no layer saves FLOPs at %s; the model stays as it is%n", at, criterion);
            return Changes.NONE;
        }
        Module factorised = plan.apply(model);
        System.err.printf(Locale.ROOT, "lowrank: at epoch %d factorised %d layers %s (%s): conv FLOPs/image %,d -> %,d, optimizer state reset%n",
                at, ranks.size(), ranks, criterion, convFlopsBefore, convFlopsAfter);
        return Changes.model(factorised).withOptimizer(FreshOptimizer.rebind(state.optimizer(), model, factorised));
    }

    @Override
    public Map<String, String> state() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("done", Boolean.toString(done));
        if (!done) return s;
        StringBuilder r = new StringBuilder();
        ranks.forEach((path, rank) -> r.append(r.isEmpty() ? "" : ";").append(path).append('=').append(rank));
        s.put("ranks", r.toString());
        s.put("flops", flopsBefore + ";" + flopsAfter + ";" + convFlopsBefore + ";" + convFlopsAfter);
        return s;
    }

    @Override
    public void loadState(Map<String, String> s) {
        done = Boolean.parseBoolean(s.getOrDefault("done", "false"));
        Map<String, Integer> r = new LinkedHashMap<>();
        String text = s.getOrDefault("ranks", "");
        if (!text.isEmpty()) {
            for (String kv : text.split(";")) {
                int eq = kv.lastIndexOf('=');
                r.put(kv.substring(0, eq), Integer.parseInt(kv.substring(eq + 1)));
            }
        }
        ranks = java.util.Collections.unmodifiableMap(r);
        if (s.containsKey("flops")) {
            String[] f = s.get("flops").split(";");
            flopsBefore = Long.parseLong(f[0]);
            flopsAfter = Long.parseLong(f[1]);
            convFlopsBefore = Long.parseLong(f[2]);
            convFlopsAfter = Long.parseLong(f[3]);
        }
    }

    @Override
    public Json summary() {
        Json j = Json.object().put("at", at).put(criterion.byEnergy() ? "energy" : "flops_ratio", criterion.value()).put("factorised", factorised());
        if (done) j.put("ranks", ranks).put("flops_before", flopsBefore).put("flops_after", flopsAfter)
                .put("conv_flops_before", convFlopsBefore).put("conv_flops_after", convFlopsAfter);
        return j;
    }
}
