package dev.lanes.training.methods;

import dev.lanes.engine.resize.ImageResize;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.SpecJson;
import dev.lanes.nn.optim.LrSchedule;
import dev.lanes.nn.surgery.Surgery;
import dev.lanes.training.Changes;
import dev.lanes.training.Cost;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.rescale.BatchNormRecalibration;
import dev.lanes.training.rescale.LowResolutionPlan;
import dev.lanes.training.rescale.OptimizerHandoff;
import dev.lanes.training.rescale.RewarmedSchedule;
import dev.lanes.training.rescale.StepTimer;
import dev.lanes.training.rescale.SwitchRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code rescale[:scale=S,switch=E|auto,interp=bilinear|bicubic,bn=N,optimizer=reset|keep|transport,ratio=R,margin=M,min=A,max=F,rewarm=W]}:
 * kernel rescaling after Gusmão et al. (2016). At run start the model is replaced by its low-resolution
 * twin ({@link LowResolutionPlan}: kernels max(1, round(k/S)), paddings chosen so feature maps stay ≈ 1/S of
 * their size, freshly initialised from the trainer's seed) and both loaders by ones that area-resize images
 * by 1/S. At the switch every kernel is resampled to its full size (centre-aligned {@code interp}
 * interpolation times (k_low/k_full)², {@link Surgery#resampleKernels}), BatchNorm running statistics are
 * re-estimated on the first {@code bn} full-resolution batches of the next epoch, the optimizer state is
 * handed over by {@link OptimizerHandoff} ({@code optimizer}), and the original loaders come back.
 *
 * <p>{@code switch=E}: after E low-resolution epochs (0: the method does nothing). {@code switch=auto}
 * (default): {@link SwitchRule} with margin M, at least A and at most floor(F·epochs) low epochs, on the
 * low-resolution validation loss; its cost ratio t_low / t_full is {@code ratio} or, by default, measured once
 * at run start by {@link StepTimer} on throwaway copies of both models. {@code rewarm=F} replaces the run's
 * schedule after the switch by a fresh cosine from F times its first rate to 0 at the last step
 * ({@link RewarmedSchedule}); 0 keeps the run's schedule. Defaults: S = 2, bicubic, 20 BN batches, optimizer
 * reset, rewarm 1, the rule's defaults (README: what each choice measured).
 *
 * <p>State in checkpoints: the phase, the epoch of the switch, the measured ratio and (while low) the
 * full-resolution architecture, so a resumed run in either phase continues exactly.
 */
public final class Rescale implements TrainingMethod {
    public static final String NAME = "rescale";

    private final int scale;
    private final Integer fixedSwitch; // null: auto
    private final ImageResize.Method interp;
    private final int bnBatches;
    private final OptimizerHandoff.Mode handoff;
    private final SwitchRule rule;
    private final Double fixedRatio;
    private final double rewarm;

    private boolean low;
    private int switchedAfter = -1;
    private double ratio = Double.NaN;
    private LayerSpec fullSpec;
    private LowResolutionPlan.Plan plan;
    private DataLoader fullTrain, fullValidation, lowTrain, lowValidation;
    private LrSchedule runSchedule;

    public Rescale(int scale, Integer fixedSwitch, ImageResize.Method interp, int bnBatches, OptimizerHandoff.Mode handoff, SwitchRule rule,
                   Double fixedRatio, double rewarm) {
        if (scale < 2) throw new IllegalArgumentException(NAME + ": scale must be >= 2 but is " + scale);
        if (fixedSwitch != null && fixedSwitch < 0) throw new IllegalArgumentException(NAME + ": switch must be >= 0 but is " + fixedSwitch);
        if (bnBatches < 0) throw new IllegalArgumentException(NAME + ": bn must be >= 0 but is " + bnBatches);
        if (fixedRatio != null && !(fixedRatio > 0)) throw new IllegalArgumentException(NAME + ": ratio must be > 0 but is " + fixedRatio);
        this.scale = scale;
        this.fixedSwitch = fixedSwitch;
        this.interp = interp;
        this.bnBatches = bnBatches;
        this.handoff = handoff;
        this.rule = rule;
        this.fixedRatio = fixedRatio;
        if (!(rewarm >= 0) || Double.isInfinite(rewarm)) throw new IllegalArgumentException(NAME + ": rewarm must be finite and >= 0 but is " + rewarm);
        this.rewarm = rewarm;
    }

    static Rescale of(MethodSpec spec) {
        spec.allowOnly("scale", "switch", "interp", "bn", "optimizer", "ratio", "margin", "min", "max", "rewarm");
        Map<String, String> o = spec.options();
        String sw = o.getOrDefault("switch", "auto");
        Integer fixed = sw.equalsIgnoreCase("auto") ? null : spec.intOption("switch", null, 0, 1_000_000);
        ImageResize.Method interp = switch (o.getOrDefault("interp", "bicubic").toLowerCase(Locale.ROOT)) {
            case "bilinear" -> ImageResize.Method.BILINEAR;
            case "bicubic" -> ImageResize.Method.BICUBIC;
            default -> throw new IllegalArgumentException("method " + NAME + ": interp must be bilinear or bicubic but is '" + o.get("interp") + "'");
        };
        OptimizerHandoff.Mode mode = switch (o.getOrDefault("optimizer", "reset").toLowerCase(Locale.ROOT)) {
            case "reset" -> OptimizerHandoff.Mode.RESET;
            case "keep" -> OptimizerHandoff.Mode.KEEP;
            case "transport" -> OptimizerHandoff.Mode.TRANSPORT;
            default -> throw new IllegalArgumentException("method " + NAME + ": optimizer must be reset, keep or transport but is '" + o.get("optimizer") + "'");
        };
        SwitchRule d = SwitchRule.DEFAULT;
        SwitchRule rule = new SwitchRule(spec.doubleOption("margin", d.margin()), spec.intOption("min", d.minEpochs(), 1, 1_000_000),
                spec.doubleOption("max", d.maxFraction()));
        Double ratio = o.containsKey("ratio") ? spec.doubleOption("ratio", 0) : null;
        return new Rescale(spec.intOption("scale", 2, 2, 64), fixed, interp, spec.intOption("bn", 20, 0, 1_000_000), mode, rule, ratio,
                spec.doubleOption("rewarm", 1));
    }


    @Override
    public String name() { return NAME; }

    /** Whether the run is (still) in the low-resolution phase. */
    public boolean lowResolution() { return low; }

    /**
     * The rescale listed before {@code self} in {@code methods}, or null. A method that must act on the full-resolution
     * model (prune, a ternary conversion) waits for that one's switch ({@link #holdsBack}).
     */
    static Rescale listedBefore(TrainingMethod self, List<TrainingMethod> methods) {
        Rescale found = null;
        for (TrainingMethod m : methods.subList(0, methods.indexOf(self))) if (m instanceof Rescale r) found = r;
        return found;
    }

    /**
     * Whether {@code waiter}, due with {@code done} epochs completed, must wait for this switch; says so once, at the
     * epoch it was first due ({@code firstDue}).
     */
    boolean holdsBack(String waiter, int done, int firstDue) {
        if (!low) return false;
        if (done == firstDue) System.err.printf(Locale.ROOT, "%s: waiting for rescale's switch to full resolution%n", waiter);
        return true;
    }

    /** The epoch after which the kernels were rescaled, or -1. */
    public int switchedAfter() { return switchedAfter; }

    /** The cost ratio t_low / t_full the automatic rule uses (NaN for a fixed switch). */
    public double costRatio() { return ratio; }

    @Override
    public Changes onRunStart(TrainingState state) {
        if (fixedSwitch != null && fixedSwitch > state.epochs())
            throw new IllegalArgumentException(NAME + ": switch=" + fixedSwitch + " is after the run's last epoch (" + state.epochs() + ")");
        if (fixedSwitch == null && state.validationLoader() == null)
            throw new IllegalArgumentException(NAME + ": switch=auto watches the validation loss; give the run a validation set or a fixed switch=E");
        boolean resumed = state.completedEpochs() > 0;
        runSchedule = state.schedule();
        if (!resumed) {
            low = fixedSwitch == null || fixedSwitch > 0;
            fullSpec = state.model().spec();
        } else if (low && fullSpec == null) {
            throw new IllegalStateException(NAME + ": resuming in the low-resolution phase needs the saved full architecture, which the checkpoint lacks");
        }
        if (!low) return switchedAfter >= 0 ? rewarmed(state).map(Changes.NONE::withSchedule).orElse(Changes.NONE) : Changes.NONE;
        fullTrain = state.trainLoader();
        fullValidation = state.validationLoader();
        int[] shape = fullTrain.imageShape();
        plan = LowResolutionPlan.of(fullSpec, shape[1], shape[2], scale);
        lowTrain = fullTrain.resized(plan.inputHeight(), plan.inputWidth(), ImageResize.Method.AREA);
        lowValidation = fullValidation == null ? null : fullValidation.resized(plan.inputHeight(), plan.inputWidth(), ImageResize.Method.AREA);
        Changes c = Changes.NONE.withTrain(lowTrain).withValidation(lowValidation);
        Module model;
        if (resumed) {
            model = state.model(); // the checkpoint's low-resolution model, values and optimizer state loaded
            if (!model.spec().equals(plan.spec()))
                throw new IllegalStateException(NAME + ": the saved state says low resolution but the model is not the low-resolution twin of the saved architecture");
        } else {
            model = Arch.build(plan.spec(), state.seed());
            model.setTraining(state.model().isTraining());
            c = c.withModel(model);
        }
        if (fixedSwitch == null && Double.isNaN(ratio)) ratio = fixedRatio != null ? fixedRatio : measureRatio(state.model());
        System.err.printf(Locale.ROOT, "rescale: low resolution %dx%d (1/%d), %d kernels shrunk, %s%n", plan.inputHeight(), plan.inputWidth(), scale,
                plan.rescaled().size(), fixedSwitch != null ? "switch after epoch " + fixedSwitch
                        : String.format(Locale.ROOT, "automatic switch, cost ratio t_low/t_full %.3f", ratio));
        return c;
    }

    /**
     * t_low / t_full per training step, on throwaway copies of the full model and a fresh low twin, clamped to
     * [training FLOPs ratio, 1]: a low-resolution step does less of every operation, so a measurement outside
     * that range is load from other processes (one such run measured 1.17 on the shared 2-core machine).
     */
    private double measureRatio(Module full) {
        Module lowCopy = Arch.build(plan.spec(), 0);
        double measured = StepTimer.ratio(lowCopy, lowTrain, Surgery.copy(full), fullTrain, 3, 7);
        double flops = (double) Cost.perImage(lowCopy, lowTrain.imageShape(), 0).training() / Cost.perImage(full, fullTrain.imageShape(), 0).training();
        double r = Math.min(1, Math.max(flops, measured));
        if (r != measured) System.err.printf(Locale.ROOT, "rescale: measured step-time ratio %.3f clamped to %.3f (FLOPs ratio %.3f)%n", measured, r, flops);
        return r;
    }

    @Override
    public Changes onEpochEnd(TrainingState state, EpochMetrics metrics) {
        if (!low) return Changes.NONE;
        int done = metrics.epoch();
        boolean due;
        if (fixedSwitch != null) {
            due = done >= fixedSwitch;
        } else {
            List<Double> losses = new ArrayList<>();
            for (EpochMetrics m : state.history()) losses.add(m.valLoss());
            // the run ends at full resolution even when the rule's minimum outlasts it
            due = rule.shouldSwitch(losses, ratio, state.epochs()) || done >= state.epochs();
        }
        if (!due) return Changes.NONE;
        return switchToFull(state, done);
    }

    private Changes switchToFull(TrainingState state, int done) {
        Module lowModel = state.model();
        Module full = Surgery.resampleKernels(lowModel, fullSpec, interp);
        if (bnBatches > 0) BatchNormRecalibration.run(full, fullTrain, done, bnBatches);
        Set<String> weights = new LinkedHashSet<>();
        for (String p : plan.rescaled().keySet()) weights.add(p.isEmpty() ? "weight" : p + ".weight");
        OptimizerHandoff.apply(handoff, state.optimizer(), lowModel, full, weights, interp);
        lowTrain.close();
        if (lowValidation != null) lowValidation.close();
        low = false;
        switchedAfter = done;
        System.err.printf(Locale.ROOT, "rescale: after epoch %d: kernels rescaled to full size (%s), BN re-estimated on %d batches, optimizer %s%n",
                done, interp.name().toLowerCase(Locale.ROOT), bnBatches, handoff.name().toLowerCase(Locale.ROOT));
        Changes c = Changes.model(full).withOptimizer(state.optimizer()).withTrain(fullTrain).withValidation(fullValidation);
        return rewarmed(state).map(c::withSchedule).orElse(c);
    }

    /** The re-warmed schedule for the epochs after the switch, if {@code rewarm} asks for one and epochs remain. */
    private Optional<LrSchedule> rewarmed(TrainingState state) {
        if (rewarm == 0 || switchedAfter >= state.epochs()) return Optional.empty();
        float peak = (float) (rewarm * runSchedule.rate(0, 0, state.trainLoader().batchesPerEpoch()));
        return Optional.of(new RewarmedSchedule(runSchedule, switchedAfter, peak, state.epochs()));
    }

    /** Where the switch happened (-1: not yet) and the cost ratio the automatic rule used (NaN for a fixed switch). */
    @Override
    public dev.lanes.training.Json summary() {
        return dev.lanes.training.Json.object().put("switched_after", switchedAfter).put("cost_ratio", ratio);
    }

    @Override
    public Map<String, String> state() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("phase", low ? "low" : "full");
        s.put("switched_after", Integer.toString(switchedAfter));
        if (!Double.isNaN(ratio)) s.put("ratio", Double.toString(ratio));
        // JSON whitespace is free, and no string in a spec holds a line break
        if (low) s.put("full_arch", SpecJson.toJson(fullSpec).replace('\n', ' '));
        return s;
    }

    @Override
    public void loadState(Map<String, String> s) {
        low = "low".equals(s.get("phase"));
        switchedAfter = Integer.parseInt(s.getOrDefault("switched_after", "-1"));
        ratio = s.containsKey("ratio") ? Double.parseDouble(s.get("ratio")) : Double.NaN;
        fullSpec = s.containsKey("full_arch") ? SpecJson.fromJson(s.get("full_arch")) : null;
    }
}
