package dev.lanes.training.cli;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.TensorFile;
import dev.lanes.training.Evaluation;
import dev.lanes.training.Json;
import dev.lanes.training.Trainer;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** {@code lanes eval MODEL_FILE}: accuracy, loss and per-class accuracy of a saved model on a test split. */
final class EvalCommand {
    static final String HELP = """
            Usage: lanes eval MODEL_FILE [options]
              Rebuilds the model recorded in MODEL_FILE (written by lanes train), loads its weights and
              evaluates it on the test split (t10k for MNIST-style data, test_batch for CIFAR-10).
              --data DIR      data folder (default: the one the model was trained on; required when that has moved)
              --batch B       batch size (default 256)
              --threads T     compute threads (default: available processors)
              --json          print one JSON object
              --help          this text
            """;

    private EvalCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        Args a = new Args("lanes eval", argv, Set.of("data", "batch", "threads"), Set.of("json"), 1);
        if (a.help()) {
            out.print(HELP);
            return 0;
        }
        if (a.positionals().isEmpty()) throw a.error("missing MODEL_FILE");
        int batch = a.intValue("batch", 256, 1, 1 << 16);
        int threads = a.intValue("threads", dev.lanes.engine.Parallel.threads(), 1, 1024);
        Path file = Path.of(a.positionals().get(0));
        Parallel.setThreads(threads);
        TensorFile.Contents contents = TensorFile.read(file);
        ModelSpec spec = ModelSpec.fromMetadata(file, contents.metadata());
        Path dataDir;
        if (a.has("data")) dataDir = Path.of(a.string("data", null));
        else if (spec.dataDir().isEmpty()) dataDir = DataSource.defaultDir();
        else if (Files.isDirectory(Path.of(spec.dataDir()))) dataDir = Path.of(spec.dataDir());
        // another dataset of the same shape would give a plausible, meaningless accuracy
        else throw a.error(file + " was trained on " + spec.dataDir() + ", which is not there any more; pass --data DIR");
        Module model = spec.load(file);
        Dataset test = DataSource.detect(dataDir.toAbsolutePath().normalize()).test();
        if (!Arrays.equals(test.imageShape(), new int[] {spec.channels(), spec.height(), spec.width()})) {
            throw new IllegalArgumentException(dataDir + " has images of shape " + Arrays.toString(test.imageShape()) + " but "
                    + file + " expects [" + spec.channels() + ", " + spec.height() + ", " + spec.width() + "]");
        }
        long t0 = System.nanoTime();
        Evaluation e;
        try (DataLoader loader = DataLoader.builder(test).batchSize(batch).normalize(spec.mean(), spec.std()).build()) {
            e = Trainer.evaluate(model, loader, spec.numClasses());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (a.flag("json")) {
            out.println(Json.object().put("model", spec.model()).put("file", file.toString()).put("data", dataDir.toString())
                    .put("samples", e.samples()).put("test_accuracy", e.accuracy()).put("test_loss", e.loss())
                    .put("per_class_accuracy", e.perClassAccuracy()).put("confusion", e.confusion())
                    .put("seconds", seconds).put("threads", threads));
        } else {
            out.printf(Locale.ROOT, "%s (%s) on %s: accuracy %.2f%%, loss %.4f, %d images in %.1f s%n", file, spec.model(), dataDir,
                    e.accuracy() * 100, e.loss(), e.samples(), seconds);
            double[] pc = e.perClassAccuracy();
            for (int c = 0; c < pc.length; c++) out.printf(Locale.ROOT, "  class %d: %.2f%%%n", c, pc[c] * 100);
        }
        return 0;
    }
}
