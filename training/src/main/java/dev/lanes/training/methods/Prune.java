package dev.lanes.training.methods;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.surgery.ChannelPruning;
import dev.lanes.training.Changes;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.Json;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.sparsity.FilterRemoval;
import dev.lanes.training.sparsity.SparsityAnalysis;
import dev.lanes.training.sparsity.SparsityReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code prune[:at=E]}: removes the dead filters of the model being trained before epoch E (1-based; default
 * the last epoch, which then fine-tunes the smaller model), after Mehta et al. (2019): {@link SparsityAnalysis}
 * runs the model in eval mode over one pass of the training loader, and every filter whose output after BN +
 * ReLU never exceeds 1e-12 goes ({@link FilterRemoval}: BN is not folded, so the model keeps training). Only
 * dead filters go, so the model computes what it computed before (the surgery's promise; eval outputs within
 * rounding) and a run with no dead filter is left exactly as it was.
 *
 * <p>With the other methods, in list order:
 * <ul>
 *   <li>a frozen layer (freeze, freezeout, freeze-prefix: parameters that do not train) is never changed, so
 *       only groups after a frozen prefix lose filters; a freezing method keeps its prefix frozen on the new
 *       model ({@link TrainingMethod#onModelReplaced});</li>
 *   <li>after rescale (listed before prune) pruning waits for the switch: it acts on the full-resolution model,
 *       at the first epoch boundary at or after E − 1 where the model is full (the end of the last epoch at the
 *       latest, leaving nothing to fine-tune); rescale listed after prune is refused, since its switch rebuilds
 *       the architecture it saved at run start;</li>
 *   <li>a constrained (ternary) model is pruned as it is: codes and scales of the surviving filters, still
 *       packed; the constrained method re-binds its codes to the new model.</li>
 * </ul>
 *
 * <p>Optimizer state: Adam's moments (SGD's momentum) of the surviving weights are sliced, not reset. Removing
 * only filters that are zero after their ReLU leaves the loss and the gradient of every surviving weight as they
 * were, so the sliced moments are exactly the state the unpruned run has for those weights, and the fine-tuning
 * continues as if the dead filters were still there; a reset would throw away that history and restart Adam's
 * bias correction (full-size first steps) in the epoch meant to polish the model.
 *
 * <p>State in checkpoints: the epoch after which it pruned (-1: not yet) and the filter counts, so a resumed
 * run does not prune again (the checkpoint holds the pruned architecture and the sliced optimizer state).
 */
public final class Prune implements TrainingMethod {
    public static final String NAME = "prune";
    private final Integer at; // null: the run's last epoch

    private int prunedAfter = -1;
    private int filtersBefore, filtersAfter;
    private long paramsBefore, paramsAfter;
    private final List<Integer> leftFrozen = new ArrayList<>();
    private Rescale rescale;

    public Prune(Integer at) {
        if (at != null && at < 1) throw new IllegalArgumentException(NAME + ": at must be >= 1 but is " + at);
        this.at = at;
    }

    static Prune of(MethodSpec spec) {
        spec.allowOnly("at");
        return new Prune(spec.options().containsKey("at") ? spec.intOption("at", null, 1, 1_000_000) : null);
    }

    @Override
    public String name() { return NAME; }

    /** The epoch after which the dead filters were removed (0: before the first), or -1. */
    public int prunedAfter() { return prunedAfter; }

    /** Conv filters before and after pruning (0 until it happened). */
    public int filtersBefore() { return filtersBefore; }

    public int filtersAfter() { return filtersAfter; }

    private int at(TrainingState state) { return at != null ? at : state.epochs(); }

    @Override
    public Changes onRunStart(TrainingState state) {
        if (at(state) > state.epochs())
            throw new IllegalArgumentException(NAME + ": at=" + at(state) + " is after the run's last epoch (" + state.epochs() + ")");
        List<TrainingMethod> methods = state.methods();
        for (TrainingMethod m : methods.subList(methods.indexOf(this) + 1, methods.size())) {
            if (m instanceof Rescale)
                throw new IllegalArgumentException(NAME + ": list rescale before prune (its switch rebuilds the architecture it saved at run start, "
                        + "which a prune before the switch would have changed)");
        }
        rescale = Rescale.listedBefore(this, methods);
        return due(state, state.completedEpochs()) ? prune(state, state.completedEpochs()) : Changes.NONE;
    }

    @Override
    public Changes onEpochEnd(TrainingState state, EpochMetrics metrics) {
        return due(state, metrics.epoch()) ? prune(state, metrics.epoch()) : Changes.NONE;
    }

    /** Whether to prune now, with {@code done} epochs completed. */
    private boolean due(TrainingState state, int done) {
        if (prunedAfter >= 0 || done < at(state) - 1) return false;
        return rescale == null || !rescale.holdsBack(NAME, done, at(state) - 1);
    }

    private Changes prune(TrainingState state, int done) {
        Module model = state.model();
        DataLoader train = state.trainLoader();
        int[] image = train.imageShape();
        int[] input = {1, image[0], image[1], image[2]};
        long t0 = System.nanoTime();
        SparsityReport report = SparsityAnalysis.over(model, train);
        FilterRemoval.Result r = FilterRemoval.prune(model, input, report);
        prunedAfter = done;
        filtersBefore = r.filtersBefore();
        filtersAfter = r.filtersAfter();
        paramsBefore = model.parameterCount();
        paramsAfter = r.pruned().parameterCount();
        leftFrozen.clear();
        leftFrozen.addAll(r.frozenGroups());
        int dead = 0;
        for (SparsityReport.GroupDeath g : report.groups()) dead += g.dead().length;
        System.err.printf(Locale.ROOT, "%s: after epoch %d: %d channels of %d filters dead on %d training images, %d filters removed (%d -> %d parameters)%s, %.1f s%n",
                NAME, done, dead, filtersBefore, report.samples(), r.removed(), paramsBefore, paramsAfter,
                r.frozenGroups().isEmpty() ? "" : "; groups " + r.frozenGroups() + " have dead filters but touch frozen layers and stay",
                (System.nanoTime() - t0) / 1e9);
        if (!r.changed()) return Changes.NONE;
        carryOver(state.optimizer(), model, r.pruned(), r.plan());
        return Changes.model(r.pruned()).withOptimizer(state.optimizer());
    }

    /**
     * Re-binds {@code optimizer} from {@code before} to {@code after} (the same parameter paths, some with fewer
     * channels) and slices the state of the cut ones by the pruning plan; the update counts stay (see the class
     * comment for why slicing, not a reset).
     */
    static void carryOver(Optimizer optimizer, Module before, Module after, ChannelPruning.Plan plan) {
        // an optimizer built over a list names parameters by position ("0", "1", ...); keep its naming
        boolean byPath = optimizer.namedParameters().keySet().equals(before.namedParameters().keySet());
        List<String> paths = new ArrayList<>(after.namedParameters().keySet());
        Map<String, Tensor> old = optimizer.state();
        optimizer.rebind(byPath ? after.namedParameters() : Optimizer.indexed(after.parameters()));
        Map<String, Tensor> state = new LinkedHashMap<>(optimizer.state());
        for (String path : plan.paths()) {
            if (!paths.contains(path)) continue; // a buffer (BN running statistics): the model carries it
            String key = byPath ? path : Integer.toString(paths.indexOf(path));
            for (Map.Entry<String, Tensor> e : old.entrySet()) {
                String k = e.getKey();
                int dot = k.indexOf('.');
                if (dot < 0 || !k.substring(dot + 1).equals(key)) continue;
                state.put(k, k.substring(0, dot).equals("t") ? e.getValue() : plan.slice(path, e.getValue()));
            }
        }
        optimizer.loadState(state);
    }

    @Override
    public Map<String, String> state() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("pruned_after", Integer.toString(prunedAfter));
        s.put("filters", filtersBefore + "," + filtersAfter);
        s.put("parameters", paramsBefore + "," + paramsAfter);
        return s;
    }

    @Override
    public void loadState(Map<String, String> s) {
        prunedAfter = Integer.parseInt(s.getOrDefault("pruned_after", "-1"));
        String[] f = s.getOrDefault("filters", "0,0").split(",");
        filtersBefore = Integer.parseInt(f[0]);
        filtersAfter = Integer.parseInt(f[1]);
        String[] p = s.getOrDefault("parameters", "0,0").split(",");
        paramsBefore = Long.parseLong(p[0]);
        paramsAfter = Long.parseLong(p[1]);
    }

    @Override
    public Json summary() {
        return Json.object().put("pruned_after", prunedAfter).put("filters_before", filtersBefore).put("filters_after", filtersAfter)
                .put("parameters_before", paramsBefore).put("parameters_after", paramsAfter);
    }
}
