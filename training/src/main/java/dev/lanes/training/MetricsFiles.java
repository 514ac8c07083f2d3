package dev.lanes.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code metrics.csv} (one row per epoch), {@code metrics.json} ({@code {"title", "run": {...},
 * "epochs": [...]}}, every epoch with per-class accuracy and confusion matrix) and, at the end, {@code chart.svg}. Both metrics files are
 * rewritten from the whole history after each epoch (atomically), so after a resume they hold the
 * restored epochs as well and a crash never leaves a half-written file.
 */
public final class MetricsFiles implements TrainingListener {
    public static final String CSV_HEADER = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,train_seconds,eval_seconds,images_per_second,forward_flops,train_flops,train_gflops";
    private final Path dir;
    private final String title;
    private final String evalName;
    private final Map<String, Object> runInfo;

    /** @param runInfo configuration written at the top of metrics.json (model, optimizer, seed...) */
    public MetricsFiles(Path dir, String title, Map<String, Object> runInfo) {
        this(dir, title, "validation", runInfo);
    }

    /** @param evalName what the per-epoch evaluation runs on ("validation" or "test"), for the chart's legend */
    public MetricsFiles(Path dir, String title, String evalName, Map<String, Object> runInfo) {
        this.dir = dir;
        this.title = title;
        this.evalName = evalName;
        this.runInfo = runInfo;
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics, TrainingView run) {
        write(run.history());
    }

    @Override
    public void onRunEnd(TrainingResult result) {
        write(result.history());
        try {
            atomicWrite(dir.resolve("chart.svg"), SvgChart.render(title, evalName, result.history()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + dir.resolve("chart.svg"), e);
        }
    }

    private void write(List<EpochMetrics> history) {
        try {
            Files.createDirectories(dir);
            atomicWrite(dir.resolve("metrics.csv"), csv(history));
            List<Object> epochs = new ArrayList<>();
            for (EpochMetrics m : history) epochs.add(m.toJson());
            Json j = Json.object().put("title", title).put("run", runInfo).put("epochs", epochs);
            atomicWrite(dir.resolve("metrics.json"), j + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write metrics to " + dir, e);
        }
    }

    public static String csv(List<EpochMetrics> history) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (EpochMetrics m : history) {
            sb.append(m.epoch());
            for (double v : new double[] {m.trainLoss(), m.trainAccuracy(), m.valLoss(), m.valAccuracy(), m.learningRate(),
                    m.trainSeconds(), m.evalSeconds(), m.imagesPerSecond()}) {
                sb.append(',').append(cell(v));
            }
            sb.append(',').append(m.forwardFlops()).append(',').append(m.trainFlops()).append(',').append(cell(m.gflops()));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    static void atomicWrite(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
