package dev.lanes.training.experiment;

import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.param.TernaryStorage;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingListener;
import dev.lanes.training.TrainingResult;
import dev.lanes.training.TrainingView;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.DatasetStats;
import dev.lanes.training.methods.MethodSpec;
import dev.lanes.training.methods.Methods;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs an {@link Experiment}: for every seed the baseline arm and then the method arm (alternating, so slow
 * drift of a shared machine hits both arms alike), each a full training run with the same data, seed,
 * batch order and per-step cosine schedule from {@code lr} to 0; the test split is evaluated after every
 * epoch and once more on the final model (whose accuracy is the run's). Training time is the wall time of the
 * run without those evaluations, so work a method does between epochs is charged to it. Each run's final
 * model is saved under {@code out/models/}. The method arm trains {@link Experiment#methodModel}, by default
 * the baseline's model.
 */
public final class ExperimentRunner {
    private ExperimentRunner() {}

    /**
     * @param augment whether training images get the standard random crop and flip (CIFAR; not digits)
     * @param log     one line per epoch and run
     */
    public static ExperimentReport run(Experiment experiment, ExperimentOptions o, Dataset train, Dataset test, boolean augment,
                                       Path out, PrintStream log) throws IOException {
        if (o.limit() < train.size()) train = train.subset(0, o.limit());
        float[][] norm = DatasetStats.meanStd(train);
        List<MethodSpec> methods = experiment.methods(o);
        // the method arm's options: the baseline's, or the same for the architecture the experiment compares with
        String methodModel = experiment.methodModel(o);
        ExperimentOptions mo = methodModel.equals(o.model()) ? o : o.withModel(methodModel);
        List<String> methodNames = new ArrayList<>();
        for (MethodSpec m : methods) methodNames.add(m.toString());
        // baseline, method, then the experiment's other arms: each arm's methods and runs
        List<String> armNames = new ArrayList<>(List.of("baseline", experiment.methodArmName()));
        double l2 = experiment.l2(o);
        List<List<MethodSpec>> armMethods = new ArrayList<>(List.of(List.of(), methods));
        List<ExperimentOptions> armOptions = new ArrayList<>(List.of(o, mo));
        experiment.otherArms(o).forEach((name, ms) -> {
            armNames.add(name);
            armMethods.add(List.copyOf(ms));
            armOptions.add(o);
        });
        List<List<RunResult>> runs = new ArrayList<>();
        for (int a = 0; a < armNames.size(); a++) runs.add(new ArrayList<>());
        Files.createDirectories(out);
        warmUp(o, l2, train, test, norm, augment, out, List.of());
        if (!methods.isEmpty() || mo != o) {
            try {
                warmUp(mo, l2, train, test, norm, augment, out, methods);
            } catch (IllegalArgumentException e) {
                // a method that cannot run a one-epoch run (e.g. a fixed switch after epoch 3) is warmed by the baseline only
                log.println("warm-up with the methods skipped: " + e.getMessage());
            }
        }
        for (int i = 0; i < o.seeds(); i++) {
            long seed = o.seed(i);
            // rotate which arm goes first, so slow drift of a shared machine and allocations hit every arm alike
            for (int k = 0; k < armNames.size(); k++) {
                int a = (k + i) % armNames.size();
                runs.get(a).add(runOne(armNames.get(a), armMethods.get(a), armOptions.get(a), l2, seed, train, test, norm, augment, out, log));
            }
        }
        List<ArmResult> arms = new ArrayList<>();
        for (int a = 0; a < armNames.size(); a++) {
            List<String> names = new ArrayList<>();
            for (MethodSpec m : armMethods.get(a)) names.add(m.toString());
            arms.add(new ArmResult(armNames.get(a), names, runs.get(a)));
        }
        ArmResult b = arms.get(0), m = arms.get(1);
        List<ArmResult> others = arms.subList(2, arms.size());
        java.util.Map<String, java.util.Map<String, Object>> fields = new java.util.LinkedHashMap<>();
        for (ArmResult arm : arms.subList(1, arms.size())) fields.put(arm.name(), new java.util.LinkedHashMap<>(experiment.armFields(b, arm)));
        if (mo != o) fields.get(m.name()).put("model", mo.model()); // the table and the JSON say which model the arm trained
        return new ExperimentReport(experiment.name(), o, b, m, List.copyOf(others), fields, experiment.claims(o, b, m, List.copyOf(others)));
    }

    /**
     * One untimed epoch on at most 8000 images, so that the first timed run does not pay for class loading and
     * JIT compilation (without it the first lenet5 run took 0.7 s against 0.1 s for the same 300 images; with
     * 2000 warm-up images the first epochs of 10000 still took 1.8 s against 0.7 s).
     */
    static void warmUp(ExperimentOptions o, Dataset train, Dataset test, float[][] norm, boolean augment, Path out) throws IOException {
        warmUp(o, 0, train, test, norm, augment, out, List.of());
    }

    /** The same with an L2 coefficient and the method arm's methods, so that the code paths only they use are compiled too. */
    static void warmUp(ExperimentOptions o, double l2, Dataset train, Dataset test, float[][] norm, boolean augment, Path out,
                       List<MethodSpec> methods) throws IOException {
        ExperimentOptions w = new ExperimentOptions(o.model(), o.data(), 1, 1, Math.min(o.limit(), 8000), o.batch(), o.lr(), o.threads());
        Dataset small = train.size() > w.limit() ? train.subset(0, w.limit()) : train;
        Path dir = Files.createTempDirectory(out, "warm-up");
        try {
            runOne("warm-up", methods, w, l2, 0, small, test.size() > 500 ? test.subset(0, 500) : test, norm, augment, dir,
                    new PrintStream(java.io.OutputStream.nullOutputStream()));
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    /** One training run of one arm; {@code l2} is Adam's (coupled) L2 coefficient. */
    static RunResult runOne(String arm, List<MethodSpec> methods, ExperimentOptions o, double l2, long seed, Dataset train, Dataset test,
                            float[][] norm, boolean augment, Path out, PrintStream log) throws IOException {
        int[] shape = train.imageShape();
        Module net = Zoo.create(o.model(), shape[0], shape[1], shape[2], train.numClasses(), seed);
        Adam opt = new Adam(net.namedParameters(), (float) o.lr(), 0.9f, 0.999f, 1e-8f, (float) l2);
        DataLoader.Builder tb = DataLoader.builder(train).batchSize(o.batch()).shuffle(true).seed(seed).normalize(norm[0], norm[1]);
        tb.standardAugmentation(augment);
        try (DataLoader tl = tb.build(); DataLoader vl = DataLoader.builder(test).batchSize(o.batch()).normalize(norm[0], norm[1]).build()) {
            Trainer.Builder builder = Trainer.builder(net, opt, tl).validation(vl).epochs(o.epochs()).seed(seed)
                    .schedule(CosineLr.perIteration((float) o.lr(), 0f, o.epochs()));
            for (MethodSpec m : methods) builder.method(Methods.create(m));
            double[] wall = new double[o.epochs()];
            long[] start = new long[1];
            // CPU seconds from each epoch's start (the previous epoch's end) to its last training step: evaluation
            // and the methods' end-of-epoch work (e.g. a switch) fall outside; run-start work falls inside
            double[] cpu = {0, 0}; // {sum, mark}
            int lastBatch = tl.batchesPerEpoch() - 1;
            builder.listener(new TrainingListener() {
                @Override
                public void onBatchEnd(int epoch, int batch, int samplesDone, double runningLoss, long epochElapsedNanos) {
                    if (batch == lastBatch) cpu[0] += ProcessCpu.seconds() - cpu[1];
                }

                @Override
                public void onEpochEnd(EpochMetrics m, TrainingView run) {
                    cpu[1] = ProcessCpu.seconds();
                    wall[m.epoch() - 1] = (System.nanoTime() - start[0]) / 1e9; // after the methods acted on this epoch
                    log.println(String.format(Locale.ROOT, "%s seed %d epoch %d/%d: test accuracy %.2f%%, %.1f s, %.3g train FLOPs",
                            arm, seed, m.epoch(), o.epochs(), 100 * m.valAccuracy(), m.trainSeconds(), (double) m.trainFlops()));
                }
            });
            Trainer trainer = builder.build();
            start[0] = System.nanoTime();
            cpu[1] = ProcessCpu.seconds();
            TrainingResult r = trainer.fit();
            double fitSeconds = (System.nanoTime() - start[0]) / 1e9;
            List<Object> summaries = new ArrayList<>();
            for (dev.lanes.training.TrainingMethod tm : trainer.methods()) summaries.add(tm.summary().put("method", tm.name()));
            Module model = trainer.model();
            // the saved model on the test split: a method may have changed the model after the last evaluation
            double finalAccuracy = Trainer.evaluate(model, vl, train.numClasses()).accuracy();
            Files.createDirectories(out.resolve("models"));
            ModelFile.save(out.resolve("models").resolve(arm + "-seed" + seed + ".lanes"), model);
            double inferMs = inferenceMs(model, vl);
            log.println(String.format(Locale.ROOT, "%s seed %d: inference %.3f ms/batch of %d (eval mode, median of 5 passes over the test split)",
                    arm, seed, inferMs, o.batch()));
            // training time = wall time of fit() without the per-epoch test evaluations: the steps, and whatever
            // the methods do between epochs (a switch, a re-estimation, a cache fill) counts too
            int n = r.history().size();
            double[] seconds = new double[n], acc = new double[n];
            double eval = 0;
            long forward = 0, training = 0;
            for (int e = 0; e < n; e++) {
                EpochMetrics m = r.history().get(e);
                eval += m.evalSeconds();
                seconds[e] = wall[e] - eval;
                acc[e] = m.valAccuracy();
                forward += m.forwardFlops();
                training += m.trainFlops();
            }
            return new RunResult(seed, finalAccuracy, fitSeconds - eval, forward, training, paramBytes(model), trainer.optimizer().learningRate(),
                    seconds, acc, cpu[0], summaries, inferMs);
        }
    }

    /** Median over 5 passes of the mean forward time per test batch, in eval mode; ms. */
    public static double inferenceMs(Module model, DataLoader loader) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double[] ms = new double[5];
        try {
            for (int r = 0; r < ms.length; r++) {
                long t = 0;
                int batches = 0;
                try (DataLoader.EpochIterator it = loader.epoch(0)) {
                    while (it.hasNext()) {
                        DataLoader.Batch b = it.next();
                        long t0 = System.nanoTime();
                        model.forward(b.images());
                        t += System.nanoTime() - t0;
                        batches++;
                    }
                }
                ms[r] = batches == 0 ? Double.NaN : t / 1e6 / batches;
            }
        } finally {
            model.setTraining(wasTraining);
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    /** Bytes the parameters take as stored: 4 per dense float; packed ternary codes (16 per int) plus their float scales. */
    public static long paramBytes(Module model) {
        long bytes = 0;
        for (Parameter p : model.parameters()) {
            if (p.isPacked()) {
                TernaryStorage t = p.ternary();
                bytes += 4L * ((t.codeCount() + 15) / 16) + 4L * t.scaleCount();
            } else {
                bytes += 4L * p.size();
            }
        }
        return bytes;
    }
}
