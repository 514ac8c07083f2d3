package dev.lanes.training.cli;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.TensorFile;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.AdamW;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.optim.Sgd;
import dev.lanes.nn.zoo.Mlp;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.Checkpoint;
import dev.lanes.training.CheckpointListener;
import dev.lanes.training.Evaluation;
import dev.lanes.training.Json;
import dev.lanes.training.MetricsFiles;
import dev.lanes.training.ProgressListener;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingMethod;
import dev.lanes.training.TrainingResult;
import dev.lanes.training.methods.MethodSpec;
import dev.lanes.training.methods.Methods;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.DatasetStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** {@code lanes train}: trains a zoo model on an MNIST-style or CIFAR-10 folder. */
final class TrainCommand {
    static final String DEFAULT_MODEL = "lenet5";
    static final int DEFAULT_EPOCHS = 5;
    static final int DEFAULT_BATCH = 64;
    static final double DEFAULT_LR = 2e-3;

    static final String HELP = """
            Usage: lanes train [options]
              Trains a model, evaluates it after every epoch, and reports test accuracy at the end.
              --model NAME         lenet5 | small-cnn | gap-cnn | gap-cnn-ds | vgg11 | resnet8 | resnet20 |
                                   mlp-H1[-H2...] | cnn-W1[-W2...] (default lenet5)
              --data DIR           folder with MNIST-style IDX files (train-/t10k-images-idx3-ubyte.gz ...),
                                   CIFAR-10 binary batches, or one CSV table (class in the last column; split
                                   80/20 per class with seed 1, features standardised by the training split)
                                   (default: the bundled MNIST, <lanes.home>/testdata/mnist)
              --epochs N           epochs (default %d)
              --batch B            batch size (default %d)
              --optimizer NAME     sgd (momentum 0.9) | adam | adamw (default adam)
              --lr X               peak learning rate, annealed to 0 by a per-step cosine schedule (default %s)
              --weight-decay X     L2 for sgd/adam, decoupled for adamw (default 0; adamw 0.01)
              --threads T          compute threads (default: -Dlanes.threads, else available processors)
              --seed S             seed of initialisation, shuffling and augmentation (default 42)
              --limit N            train on the first N training images only
              --validation N       hold out the last N training images as the validation set that each epoch
                                   reports and early stopping watches; the test split is kept for the final
                                   report (default: one twelfth of the training images, 5000 of MNIST's 60000;
                                   0 makes the test split play the validation role)
              --patience N         stop after N epochs without a better validation accuracy (default 0: never)
              --out DIR            run folder: metrics.csv, metrics.json, chart.svg, checkpoints/, model.lanes
                                   (default runs/<model>)
              --resume             continue from the newest intact checkpoint in --out with the same options
              --overwrite          start afresh in an --out that holds an earlier run (its checkpoints are deleted)
              --method NAME[:k=v,...]  a training method, repeatable; methods act in the order given
                                   (%s; e.g. freeze-prefix:layers=4,at=2)
              --json               print one JSON summary on stdout (progress goes to stderr)
              --help               this text
            CIFAR-10 is augmented with random crops (padding 4) and horizontal flips; digits are not.
            """.formatted(DEFAULT_EPOCHS, DEFAULT_BATCH, DEFAULT_LR, String.join(" | ", Methods.names()));

    private static final Set<String> VALUES = Set.of("model", "data", "epochs", "batch", "optimizer", "lr", "weight-decay",
            "threads", "seed", "out", "limit", "patience", "validation", "method");
    private static final Set<String> FLAGS = Set.of("resume", "json", "overwrite");

    private TrainCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        Args a = new Args("lanes train", argv, VALUES, FLAGS, 0);
        if (a.help()) {
            out.print(HELP);
            return 0;
        }
        String model = a.string("model", DEFAULT_MODEL);
        if (!Zoo.names().contains(model) && !model.matches("resnet\\d+|vgg11-w[0-9.]+") && !Mlp.matches(model) && !dev.lanes.nn.zoo.ConvNet.matches(model)) {
            throw a.error("--model must be one of " + String.join("|", Zoo.names()) + " but is '" + model + "'");
        }
        int epochs = a.intValue("epochs", DEFAULT_EPOCHS, 1, 100_000);
        int batch = a.intValue("batch", DEFAULT_BATCH, 1, 1 << 16);
        String optName = a.choice("optimizer", "adam", List.of("sgd", "adam", "adamw"));
        double lr = a.doubleValue("lr", DEFAULT_LR, 0, true);
        double wd = a.doubleValue("weight-decay", optName.equals("adamw") ? 0.01 : 0, 0, false);
        int threads = a.intValue("threads", Parallel.threads(), 1, 1024);
        long seed = a.longValue("seed", 42);
        int limit = a.intValue("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        int patience = a.intValue("patience", 0, 0, 100_000);
        Integer validationOption = a.has("validation") ? a.intValue("validation", 0, 0, Integer.MAX_VALUE) : null;
        List<TrainingMethod> methods = new ArrayList<>();
        List<String> methodSpecs = new ArrayList<>();
        for (String m : a.all("method")) {
            try {
                MethodSpec ms = MethodSpec.parse(m);
                methods.add(Methods.create(ms));
                methodSpecs.add(ms.toString());
            } catch (IllegalArgumentException e) {
                throw a.error("--method: " + e.getMessage());
            }
        }
        boolean json = a.flag("json");
        boolean resume = a.flag("resume");
        boolean overwrite = a.flag("overwrite");
        if (resume && overwrite) throw a.error("--resume continues the run in --out and --overwrite discards it: pass one of them");
        Path dataDir = Path.of(a.string("data", DataSource.defaultDir().toString())).toAbsolutePath().normalize();
        Path outDir = Path.of(a.string("out", Path.of("runs", model).toString())).toAbsolutePath().normalize();
        PrintStream log = json ? err : out;

        Parallel.setThreads(threads);
        Path checkpoints = outDir.resolve("checkpoints");
        if (!resume && !overwrite && (!Checkpoint.newestFirst(checkpoints).isEmpty() || Files.exists(outDir.resolve("model.lanes")))) {
            throw a.error(outDir + " holds an earlier run (model.lanes or checkpoints): pass --resume to continue it, a fresh --out, "
                    + "or --overwrite to discard it");
        }
        RunFolder.requireWritable(outDir);
        DataSource source = DataSource.detect(dataDir);
        Dataset trainSet = source.train();
        if (limit < trainSet.size()) trainSet = trainSet.subset(0, limit);
        int validation = validationOption != null ? validationOption : trainSet.size() / 12;
        if (validation >= trainSet.size()) {
            throw a.error("--validation " + validation + " leaves no training images out of " + trainSet.size());
        }
        Dataset testSet = source.test();
        if (testSet.size() == 0) throw new IllegalArgumentException(dataDir + ": the test split holds no images");
        if (!java.util.Arrays.equals(testSet.imageShape(), trainSet.imageShape())) {
            throw new IllegalArgumentException(dataDir + ": training images are " + java.util.Arrays.toString(trainSet.imageShape())
                    + " but test images are " + java.util.Arrays.toString(testSet.imageShape()) + "; both splits must have one shape");
        }
        // held-out validation images come from the end of the training split; without them the test split
        // is what each epoch reports and what early stopping watches
        Dataset valSet = validation > 0 ? trainSet.subset(trainSet.size() - validation, trainSet.size()) : testSet;
        if (validation > 0) trainSet = trainSet.subset(0, trainSet.size() - validation);
        int[] shape = trainSet.imageShape();
        float[][] norm = DatasetStats.meanStd(trainSet);
        ModelSpec spec = new ModelSpec(model, shape[0], shape[1], shape[2], trainSet.numClasses(), norm[0], norm[1], dataDir.toString());
        Module net = spec.build(seed);
        Optimizer opt = switch (optName) {
            case "sgd" -> new Sgd(net.namedParameters(), (float) lr, 0.9f, (float) wd, false);
            case "adamw" -> new AdamW(net.namedParameters(), (float) lr, 0.9f, 0.999f, 1e-8f, (float) wd);
            default -> new Adam(net.namedParameters(), (float) lr, 0.9f, 0.999f, 1e-8f, (float) wd);
        };
        DataLoader.Builder tb = DataLoader.builder(trainSet).batchSize(batch).shuffle(true).seed(seed).normalize(norm[0], norm[1]);
        tb.standardAugmentation(source.augmentByDefault());
        // evaluation uses the training batch size so layers keep their buffers between train and eval
        try (RunFolder.Lock lock = RunFolder.lock(outDir);
             DataLoader trainLoader = tb.build();
             DataLoader valLoader = DataLoader.builder(valSet).batchSize(batch).normalize(norm[0], norm[1]).build();
             DataLoader testLoader = DataLoader.builder(testSet).batchSize(batch).normalize(norm[0], norm[1]).build()) {
            Map<String, String> config = new LinkedHashMap<>(spec.toMetadata());
            config.put("optimizer", optName);
            config.put("lr", Double.toString(lr));
            config.put("weight_decay", Double.toString(wd));
            config.put("batch", Integer.toString(batch));
            config.put("epochs", Integer.toString(epochs));
            config.put("seed", Long.toString(seed));
            config.put("limit", Integer.toString(Math.min(limit, trainSet.size() + validation)));
            config.put("validation", Integer.toString(validation));
            // the data's identity, so a resume on other data is refused rather than silently continued
            config.put("train_images", Integer.toString(trainSet.size()));
            config.put("test_images", Integer.toString(testSet.size()));
            config.put("threads", Integer.toString(threads));
            config.put("methods", String.join(" ", methodSpecs));

            Map<String, Object> runInfo = new LinkedHashMap<>(config);
            runInfo.put("params", net.parameterCount());
            Trainer.Builder builder = Trainer.builder(net, opt, trainLoader);
            methods.forEach(builder::method);
            Trainer trainer = builder
                    .validation(valLoader)
                    .epochs(epochs)
                    .seed(seed)
                    .schedule(CosineLr.perIteration((float) lr, 0f, epochs))
                    .earlyStopping(Trainer.Monitor.VAL_ACCURACY, patience, 0)
                    .listener(new ProgressListener(log, System.console() != null, validation > 0 ? "val" : "test"))
                    .listener(new MetricsFiles(outDir, model + " on " + dataDir.getFileName(), validation > 0 ? "validation" : "test", runInfo))
                    .listener(new CheckpointListener(checkpoints, config, 2))
                    .build();
            if (resume) {
                Path latest = Checkpoint.latestIntact(checkpoints, err::println);
                if (latest == null) throw new IllegalArgumentException("--resume: no intact checkpoint in " + checkpoints);
                // compare options first: a checkpoint of another model would otherwise fail on a shape instead
                checkSameRun(latest, config, TensorFile.read(latest).metadata(), err);
                Checkpoint.restore(latest, trainer);
                log.println("resumed from " + latest);
            } else {
                deleteCheckpoints(checkpoints);
                Files.deleteIfExists(outDir.resolve("model.lanes"));
            }
            TrainingResult r = trainer.fit();

            Path modelFile = outDir.resolve("model.lanes");
            Map<String, String> meta = new LinkedHashMap<>(config);
            meta.put("epochs_completed", Integer.toString(r.history().size()));
            ModelFile.save(modelFile, trainer.model(), Map.of(), meta);
            var last = r.last();
            Evaluation test = validation > 0 ? trainer.evaluate(testLoader) : new Evaluation(last.valLoss(), last.valAccuracy(), null);
            Json summary = Json.object()
                    .put("model", model)
                    .put("dataset", dataDir.getFileName().toString())
                    .put("test_accuracy", test.accuracy())
                    .put("test_loss", test.loss())
                    .put("validation_images", validation)
                    .put("validation_accuracy", last.valAccuracy())
                    .put("train_accuracy", last.trainAccuracy())
                    .put("train_loss", last.trainLoss())
                    .put("epochs", r.history().size())
                    .put("best_epoch", r.bestEpoch())
                    .put("stopped_early", r.stoppedEarly())
                    .put("train_seconds", r.trainSeconds())
                    .put("wall_seconds", r.wallSeconds())
                    .put("images_per_second", last.imagesPerSecond())
                    .put("params", trainer.model().parameterCount())
                    .put("threads", threads)
                    .put("batch", batch)
                    .put("optimizer", optName)
                    .put("lr", lr)
                    .put("seed", seed)
                    .put("out", outDir.toString());
            if (!trainer.methods().isEmpty()) {
                List<Object> summaries = new ArrayList<>();
                for (TrainingMethod tm : trainer.methods()) summaries.add(tm.summary().put("method", tm.name()));
                summary.put("methods", summaries); // what each method did, in list order (e.g. where rescale switched, what prune removed)
            }
            if (json) {
                out.println(summary);
            } else {
                out.printf(java.util.Locale.ROOT, "test accuracy %.2f%%, test loss %.4f after %d epochs, %.1f s training%n",
                        test.accuracy() * 100, test.loss(), r.history().size(), r.trainSeconds());
                out.println("wrote " + modelFile + ", metrics.csv, metrics.json, chart.svg in " + outDir);
            }
            return 0;
        }
    }

    /** A resumed run must use the options of the interrupted one, or it would not continue it exactly. */
    private static void checkSameRun(Path file, Map<String, String> config, Map<String, String> meta, PrintStream err) {
        for (String key : List.of("model", "optimizer", "lr", "weight_decay", "batch", "epochs", "seed", "limit", "validation", "methods", "in_channels",
                "height", "width", "num_classes", ModelSpec.DATA, ModelSpec.MEAN, ModelSpec.STD, "train_images", "test_images")) {
            String was = meta.get(key), now = config.get(key);
            if (was != null && !was.equals(now)) {
                throw new IllegalArgumentException("--resume: " + file + " was made with " + key + "=" + was + " but this run has "
                        + key + "=" + now + "; pass the same options to resume");
            }
        }
        String t = meta.get("threads");
        if (t != null && !t.equals(config.get("threads"))) {
            err.println("warning: checkpoint made with " + t + " threads, resuming with " + config.get("threads")
                    + ": results will not be bit-identical to an uninterrupted run");
        }
    }

    /** A fresh run must not later resume from a previous run's checkpoints. */
    private static void deleteCheckpoints(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().matches("epoch-\\d{4,}\\.lanes")) Files.delete(p);
            }
        }
    }
}
