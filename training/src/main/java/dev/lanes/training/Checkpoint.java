package dev.lanes.training;

import dev.lanes.nn.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Per-epoch checkpoints of a {@link Trainer}: model parameters and buffers, optimizer state (via
 * {@link ModelFile#saveCheckpoint}), the number of completed epochs, the loader seed (the loader's only
 * state: epoch {@code e} is a pure function of seed and e) and the metrics history, which early stopping
 * and the metrics files need. Doubles are stored as exact decimal text so restored metrics keep their bits.
 *
 * <p>Files are {@code epoch-NNNN.lanes} in one folder; {@link #latest} picks the highest epoch.
 */
public final class Checkpoint {
    static final String EPOCH = "checkpoint.epoch";
    static final String LOADER_SEED = "checkpoint.loader_seed";
    static final String HISTORY = "history.";

    private Checkpoint() {}

    public static Path fileFor(Path dir, int epoch) {
        return dir.resolve(String.format("epoch-%04d.lanes", epoch));
    }

    /** Writes the trainer's current state to {@code fileFor(dir, completedEpochs)}; {@code metadata} adds e.g. the run config. */
    public static Path save(Path dir, Trainer t, Map<String, String> metadata) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(EPOCH, Integer.toString(t.completedEpochs()));
        meta.put(LOADER_SEED, Long.toString(t.trainLoader().seed()));
        for (EpochMetrics m : t.history()) meta.put(HISTORY + m.epoch(), encode(m));
        Path file = fileFor(dir, t.completedEpochs());
        ModelFile.saveCheckpoint(file, t.model(), t.optimizer(), meta);
        return file;
    }

    /** The checkpoint of the highest epoch in {@code dir}, or null when there is none. */
    public static Path latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return null;
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("epoch-\\d{4,}\\.lanes"))
                    .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).orElse(null);
        }
    }

    /**
     * Loads {@code file} into the trainer's model and optimizer and adopts its history; returns the
     * metadata. Refuses a checkpoint made with another loader seed, since the run would not continue exactly.
     */
    public static Map<String, String> restore(Path file, Trainer t) throws IOException {
        Map<String, String> meta = ModelFile.loadCheckpoint(file, t.model(), t.optimizer());
        String seed = meta.get(LOADER_SEED);
        if (seed == null || Long.parseLong(seed) != t.trainLoader().seed()) {
            throw new IllegalArgumentException(file + ": checkpoint made with loader seed " + seed + " but this run uses "
                    + t.trainLoader().seed());
        }
        int epochs = Integer.parseInt(require(file, meta, EPOCH));
        List<EpochMetrics> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) history.add(decode(file, require(file, meta, HISTORY + e)));
        t.restore(history);
        return meta;
    }

    private static String require(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException(file + ": not a training checkpoint (no metadata \"" + key + "\")");
        return v;
    }

    /** {@code epoch;trainLoss;trainAcc;lr;trainSec;evalSec;samples;flops;valLoss;valAcc;confusion} (rows '/'-separated). */
    static String encode(EpochMetrics m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.epoch()).append(';').append(m.trainLoss()).append(';').append(m.trainAccuracy()).append(';')
                .append(m.learningRate()).append(';').append(m.trainSeconds()).append(';').append(m.evalSeconds()).append(';')
                .append(m.trainSamples()).append(';').append(m.trainFlops());
        Evaluation v = m.validation();
        if (v != null) {
            sb.append(';').append(v.loss()).append(';').append(v.accuracy()).append(';');
            for (int r = 0; r < v.confusion().length; r++) {
                if (r > 0) sb.append('/');
                int[] row = v.confusion()[r];
                for (int c = 0; c < row.length; c++) sb.append(c > 0 ? "," : "").append(row[c]);
            }
        }
        return sb.toString();
    }

    static EpochMetrics decode(Path file, String s) {
        try {
            String[] f = s.split(";", -1);
            Evaluation v = null;
            if (f.length == 11) {
                String[] rows = f[10].split("/");
                int[][] confusion = new int[rows.length][];
                for (int r = 0; r < rows.length; r++) {
                    String[] cells = rows[r].split(",");
                    confusion[r] = new int[cells.length];
                    for (int c = 0; c < cells.length; c++) confusion[r][c] = Integer.parseInt(cells[c]);
                }
                v = new Evaluation(Double.parseDouble(f[8]), Double.parseDouble(f[9]), confusion);
            } else if (f.length != 8) {
                throw new IllegalArgumentException("expected 8 or 11 fields but found " + f.length);
            }
            return new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), v,
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Long.parseLong(f[6]),
                    Long.parseLong(f[7]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": malformed history entry '" + s + "': " + e.getMessage(), e);
        }
    }
}
