package dev.lanes.training.methods;

import dev.lanes.nn.layers.DistillationLoss;
import dev.lanes.training.Changes;
import dev.lanes.training.Json;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingState;
import dev.lanes.training.distill.Distillation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code distill:teacher=MODEL_FILE[,t=T,alpha=A,cache=auto|off]}: knowledge distillation after Hinton, Vinyals and
 * Dean (2015). The run's step becomes one whose loss is {@code (1 − α)·CE + α·T²·KL(teacher/T ‖ student/T)}
 * ({@link DistillationLoss}; defaults T = 4, α = 0.9). When the training data is not augmented the teacher's logits
 * are computed once at run start for every training sample (one float per class per sample) and each step gathers
 * its batch's rows by sample index; with augmentation (or {@code cache=off}) the teacher runs on every batch.
 *
 * <p>The teacher file must have an architecture (every {@code lanes train} model does); a teacher whose class
 * count differs from the data's and the student's, or that takes other images, is refused at run start, naming
 * both. Resume: the checkpoint holds the teacher file's SHA-256, so a resume with a changed teacher is refused;
 * the cache is recomputed from the same file and data, which gives the same bits. The method needs the run's
 * step to stay its own: a later method that replaces it (freeze, constrained) is refused at the next epoch.
 */
public final class Distill implements TrainingMethod {
    public static final String NAME = "distill";
    private final Path teacherFile;
    private final float temperature, alpha;
    private final boolean allowCache;
    private String expectedSha; // from a checkpoint
    private Distillation run;

    public Distill(Path teacherFile, float temperature, float alpha, boolean allowCache) {
        new DistillationLoss(temperature, alpha); // checks T and α with the loss's own messages
        this.teacherFile = teacherFile;
        this.temperature = temperature;
        this.alpha = alpha;
        this.allowCache = allowCache;
    }

    static Distill of(MethodSpec spec) {
        spec.allowOnly("teacher", "t", "alpha", "cache");
        String teacher = spec.options().get("teacher");
        if (teacher == null || teacher.isEmpty()) throw new IllegalArgumentException("method " + NAME + " needs teacher=MODEL_FILE");
        boolean cache = switch (spec.options().getOrDefault("cache", "auto").toLowerCase(Locale.ROOT)) {
            case "auto" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("method " + NAME + ": cache must be auto or off but is '" + spec.options().get("cache") + "'");
        };
        double t = spec.doubleOption("t", 4), a = spec.doubleOption("alpha", 0.9);
        if (!(t > 0) || Double.isInfinite(t)) throw new IllegalArgumentException("method " + NAME + ": t must be positive and finite but is " + t);
        if (!(a >= 0 && a <= 1)) throw new IllegalArgumentException("method " + NAME + ": alpha must be in [0, 1] but is " + a);
        return new Distill(Path.of(teacher), (float) t, (float) a, cache);
    }

    @Override
    public String name() { return NAME; }

    /** Whether this run reads the teacher's logits from the per-sample cache (after run start). */
    public boolean cached() { return run != null && run.cached(); }

    @Override
    public Changes onRunStart(TrainingState state) {
        try {
            run = Distillation.start(teacherFile, temperature, alpha, allowCache, state);
        } catch (IOException e) {
            throw new UncheckedIOException(NAME + ": cannot read teacher " + teacherFile + ": " + e.getMessage(), e);
        }
        if (expectedSha != null && !expectedSha.equals(run.teacher().sha256())) {
            throw new IllegalArgumentException(NAME + ": teacher " + teacherFile + " has changed since the checkpoint was written (SHA-256 "
                    + run.teacher().sha256() + ", checkpoint " + expectedSha + "); a resumed run would not continue exactly");
        }
        return Changes.step(run.step());
    }

    @Override
    public void onEpochStart(TrainingState state, int epoch) {
        run.check(state, epoch);
    }

    @Override
    public Map<String, String> state() {
        return run == null ? (expectedSha == null ? Map.of() : Map.of("teacher_sha256", expectedSha)) : Map.of("teacher_sha256", run.teacher().sha256());
    }

    @Override
    public void loadState(Map<String, String> state) { expectedSha = state.get("teacher_sha256"); }

    @Override
    public Json summary() {
        Json j = Json.object().put("teacher", teacherFile.toString()).put("t", temperature).put("alpha", alpha);
        if (run != null) j.put("cached", run.cached()).put("cache_seconds", run.cacheSeconds()).put("teacher_forward_flops_per_image", run.teacherFlops());
        return j;
    }
}
