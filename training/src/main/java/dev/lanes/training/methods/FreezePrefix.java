package dev.lanes.training.methods;

import dev.lanes.nn.Module;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.training.Changes;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import java.util.Map;

/**
 * {@code freeze-prefix:layers=K,at=E}: from epoch {@code E} (1-based; default 1) on, the first {@code K}
 * top-level layers of the model stop training. Backward then starts at the first trainable layer (the
 * model needs no input gradient, so it stops there and skips that layer's dx), which the cost model
 * charges as forward work only for the frozen layers. A trivial method that exercises the phases: it acts
 * at run start or at the end of epoch {@code E-1}, and re-freezes after a resume from its saved state.
 */
public final class FreezePrefix implements TrainingMethod {
    public static final String NAME = "freeze-prefix";
    private final int layers;
    private final int at;
    private boolean frozen;

    public FreezePrefix(int layers, int at) {
        if (layers < 1) throw new IllegalArgumentException(NAME + ": layers must be >= 1 but is " + layers);
        if (at < 1) throw new IllegalArgumentException(NAME + ": at must be >= 1 but is " + at);
        this.layers = layers;
        this.at = at;
    }

    static FreezePrefix of(MethodSpec spec) {
        spec.allowOnly("layers", "at");
        return new FreezePrefix(spec.intOption("layers", null, 1, 10_000), spec.intOption("at", 1, 1, 1_000_000));
    }

    @Override
    public String name() { return NAME; }

    public boolean frozen() { return frozen; }

    @Override
    public Changes onRunStart(TrainingState state) {
        boolean due = state.completedEpochs() >= at - 1;
        if (frozen && !due) throw new IllegalStateException(NAME + ": saved state says frozen but only " + state.completedEpochs() + " epochs are done");
        if (due) freeze(state.model());
        return Changes.NONE;
    }

    @Override
    public Changes onEpochEnd(TrainingState state, EpochMetrics metrics) {
        if (metrics.epoch() == at - 1) freeze(state.model());
        return Changes.NONE;
    }

    private void freeze(Module model) {
        if (!(model instanceof Sequential seq)) throw new IllegalArgumentException(NAME + " needs a Sequential model but got " + model.describe());
        if (layers >= seq.size()) {
            throw new IllegalArgumentException(NAME + ": layers=" + layers + " would freeze all of the model's " + seq.size() + " top-level layers");
        }
        for (int i = 0; i < layers; i++) seq.get(i).setTrainable(false);
        frozen = true;
    }

    @Override
    public Map<String, String> state() { return Map.of("frozen", Boolean.toString(frozen)); }

    @Override
    public void loadState(Map<String, String> state) { frozen = Boolean.parseBoolean(state.getOrDefault("frozen", "false")); }
}
