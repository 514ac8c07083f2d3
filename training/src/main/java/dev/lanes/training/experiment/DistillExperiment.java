package dev.lanes.training.experiment;

import dev.lanes.training.Json;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.DatasetStats;
import dev.lanes.training.methods.MethodSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Knowledge distillation (issue 15): a teacher (a larger zoo model, {@code --teacher}, default {@value #TEACHER}) is
 * trained once for {@code --teacher-epochs} on the training data, then a small student ({@code --model}, default
 * {@value #STUDENT}) is trained with and without it by {@link ExperimentRunner}: same data, seeds, batch order and
 * cosine schedule; the method arm adds {@code distill:teacher=FILE,t=T,alpha=A}. The JSON is the runner's, with
 * {@code baseline} = the student alone, plus the teacher's accuracy and seconds. Claim: the target, the
 * student with the teacher at least 0.5 points more accurate (mean over seeds).
 */
final class DistillExperiment implements CustomExperiment {
    static final String TEACHER = "small-cnn", STUDENT = "mlp-16";
    static final int EPOCHS = 10, TEACHER_EPOCHS = 4;

    @Override public String name() { return "distill"; }

    @Override
    public String description() {
        return "knowledge distillation: a small student with and without a trained teacher's softened outputs (distill:teacher=...,t=4,alpha=0.9)";
    }

    @Override
    public ExperimentOptions defaults(ExperimentOptions c) {
        return new ExperimentOptions(STUDENT, c.data(), EPOCHS, 3, 60_000, 64, 2e-3, c.threads());
    }

    @Override
    public Map<String, String> valueOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("teacher", "the teacher's zoo model (default " + TEACHER + ")");
        m.put("teacher-epochs", "the teacher's epochs (default " + TEACHER_EPOCHS + ")");
        m.put("t", "the distillation temperature (default 4)");
        m.put("alpha", "the weight of the teacher's term (default 0.9)");
        return m;
    }

    @Override
    public Report run(ExperimentOptions o, Map<String, String> extra, Dataset train, Dataset test, boolean augment, Path out, PrintStream log)
            throws IOException {
        String teacherModel = extra.getOrDefault("teacher", TEACHER);
        int teacherEpochs = CustomExperiment.positiveInt(extra, "teacher-epochs", TEACHER_EPOCHS);
        String t = extra.getOrDefault("t", "4"), alpha = extra.getOrDefault("alpha", "0.9");
        Files.createDirectories(out);
        Dataset limited = o.limit() < train.size() ? train.subset(0, o.limit()) : train;
        float[][] norm = DatasetStats.meanStd(limited); // what the runner feeds the students, so the teacher sees the same inputs
        ExperimentOptions to = new ExperimentOptions(teacherModel, o.data(), teacherEpochs, 1, o.limit(), o.batch(), o.lr(), o.threads());
        Path teacherDir = out.resolve("teacher");
        RunResult teacher = ExperimentRunner.runOne("teacher", List.of(), to, 0, to.seed(0), limited, test, norm, augment, teacherDir, log);
        Path teacherFile = teacherDir.resolve("models").resolve("teacher-seed" + to.seed(0) + ".lanes");
        log.println(String.format(Locale.ROOT, "teacher %s: test accuracy %.2f%% after %d epochs, %.1f s", teacherModel, 100 * teacher.testAccuracy(),
                teacherEpochs, teacher.trainSeconds()));
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("teacher", teacherFile.toString());
        opts.put("t", t);
        opts.put("alpha", alpha);
        MethodSpec distill = new MethodSpec("distill", opts);
        dev.lanes.training.methods.Methods.create(distill); // refuses a bad t or alpha before any run
        Experiment arms = new Experiment() {
            @Override public String name() { return "distill"; }
            @Override public String description() { return DistillExperiment.this.description(); }
            @Override public List<MethodSpec> methods(ExperimentOptions options) { return List.of(distill); }
            @Override public List<Claim> claims(ExperimentOptions options, ArmResult baseline, ArmResult method) { return claimsOf(baseline, method); }
        };
        ExperimentReport report = ExperimentRunner.run(arms, o, train, test, augment, out, log);
        Files.writeString(out.resolve("experiment.svg"), report.svg());
        return new Report() {
            @Override
            public String table() {
                return String.format(Locale.ROOT, "teacher %s: %.2f%% test accuracy, %d epochs, %.1f s training%n", teacherModel,
                        100 * teacher.testAccuracy(), teacherEpochs, teacher.trainSeconds()) + report.table();
            }

            @Override
            public Json toJson() { return report.toJson().put("teacher", teacherJson(teacher, teacherModel, teacherEpochs)); }

            @Override
            public Json toResultsJson() { return report.toResultsJson().put("teacher", teacherJson(teacher, teacherModel, teacherEpochs)); }
        };
    }

    private static Json teacherJson(RunResult r, String model, int epochs) {
        return Json.object().put("model", model).put("epochs", epochs).put("test_accuracy", r.testAccuracy()).put("train_seconds", r.trainSeconds())
                .put("param_bytes", r.paramBytes());
    }

    /** Per-seed differences (the two arms of a seed share data, initialisation, batch order and schedule). */
    static List<Claim> claimsOf(ArmResult baseline, ArmResult method) {
        Stats diff = RescaleExperiment.accuracyDiff(baseline, method);
        String measured = String.format(Locale.ROOT, "student with teacher %.2f ± %.2f%%, without %.2f ± %.2f%%: %+.2f ± %.2f points (per-seed pairs)",
                100 * method.testAccuracy().mean(), 100 * method.testAccuracy().std(), 100 * baseline.testAccuracy().mean(),
                100 * baseline.testAccuracy().std(), diff.mean(), diff.std());
        return List.of(new Claim("the student with the teacher is >= 0.5 points more accurate than without (issue 15 target)",
                "distillation transfers the teacher's dark knowledge to a smaller model (Hinton et al. 2015)", measured,
                method.testAccuracy().mean() - baseline.testAccuracy().mean() >= 0.005));
    }
}
