package dev.lanes.training;

import dev.lanes.nn.arch.SpecJson;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.SavedModel;
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
 * {@link ModelFile#saveCheckpoint}), the number of completed epochs and the global step, the loader seed (the
 * loader's only state: epoch {@code e} is a pure function of seed and e), the metrics history, which early
 * stopping and the metrics files need, and each {@link TrainingMethod}'s state under
 * {@code method.<position>.<name>.<key>}. Doubles are stored as exact decimal text so restored metrics keep
 * their bits. A checkpoint resumes only a run with the same methods in the same order.
 *
 * <p>Files are {@code epoch-NNNN.lanes} in one folder; {@link #latest} picks the highest epoch.
 */
public final class Checkpoint {
    static final String EPOCH = "checkpoint.epoch";
    static final String LOADER_SEED = "checkpoint.loader_seed";
    static final String GLOBAL_STEP = "checkpoint.global_step";
    static final String HISTORY = "history.";
    static final String METHODS = "checkpoint.methods";
    static final String METHOD = "method.";

    private Checkpoint() {}

    public static Path fileFor(Path dir, int epoch) {
        return dir.resolve(String.format("epoch-%04d.lanes", epoch));
    }

    /** Writes the trainer's current state to {@code fileFor(dir, completedEpochs)}; {@code metadata} adds e.g. the run config. */
    public static Path save(Path dir, TrainingView t, Map<String, String> metadata) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(EPOCH, Integer.toString(t.completedEpochs()));
        meta.put(GLOBAL_STEP, Long.toString(t.globalStep()));
        meta.put(LOADER_SEED, Long.toString(t.trainLoader().seed()));
        for (EpochMetrics m : t.history()) meta.put(HISTORY + m.epoch(), encode(m));
        meta.put(METHODS, methodNames(t.methods()));
        for (int i = 0; i < t.methods().size(); i++) {
            TrainingMethod method = t.methods().get(i);
            for (Map.Entry<String, String> e : method.state().entrySet()) meta.put(methodPrefix(i, method) + e.getKey(), e.getValue());
        }
        Path file = fileFor(dir, t.completedEpochs());
        ModelFile.saveCheckpoint(file, t.model(), t.optimizer(), meta);
        return file;
    }

    /** The checkpoint of the highest epoch in {@code dir}, or null when there is none. */
    public static Path latest(Path dir) throws IOException {
        List<Path> all = newestFirst(dir);
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * Every {@code epoch-N.lanes} in {@code dir}, highest epoch first, ordered by the number (as text,
     * {@code epoch-9999} would beat {@code epoch-10000}).
     */
    public static List<Path> newestFirst(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> epochOf(p) >= 0)
                    .sorted(java.util.Comparator.comparingLong(Checkpoint::epochOf).reversed()).toList();
        }
    }

    /** The epoch a checkpoint file name stands for, or -1 when the name is not one of ours. */
    static long epochOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.matches("epoch-\\d{4,18}\\.lanes")) return -1;
        return Long.parseLong(name.substring("epoch-".length(), name.length() - ".lanes".length()));
    }

    /**
     * The newest checkpoint in {@code dir} that reads back intact (checksum, header and metadata), or null;
     * each newer corrupt one (a save interrupted by a crash or a full disk) is reported through {@code warn}
     * and skipped, so a resume falls back to the epoch before it.
     */
    public static Path latestIntact(Path dir, java.util.function.Consumer<String> warn) throws IOException {
        for (Path p : newestFirst(dir)) {
            try {
                ModelFile.read(p);
                return p;
            } catch (dev.lanes.nn.io.CorruptFileException e) {
                warn.accept("warning: skipping the unreadable checkpoint " + p + ": " + e.getMessage());
            }
        }
        return null;
    }

    /**
     * Deletes all but the newest {@code keep} checkpoints in {@code dir} and the temporary files that
     * interrupted saves left behind ({@code .epoch-N.lanes.*.tmp}).
     */
    public static void prune(Path dir, int keep) throws IOException {
        List<Path> all = newestFirst(dir);
        for (int i = keep; i < all.size(); i++) Files.deleteIfExists(all.get(i));
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().matches("\\.epoch-\\d{4,18}\\.lanes\\.[0-9a-f]+\\.tmp")) Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Loads {@code file} into the trainer's model and optimizer and adopts its history; returns the
     * metadata. Refuses a checkpoint made with another loader seed or other methods, since the run would not
     * continue exactly; hands each method its stored state.
     */
    public static Map<String, String> restore(Path file, Trainer t) throws IOException {
        SavedModel saved = ModelFile.read(file);
        String stored = saved.metadata().getOrDefault(METHODS, "");
        if (!stored.equals(methodNames(t.methods()))) {
            throw new IllegalArgumentException(file + ": checkpoint made with methods [" + stored + "] but this run has ["
                    + methodNames(t.methods()) + "]");
        }
        // a method may have changed the model (pruned, rescaled, constrained): the checkpoint's architecture wins
        String arch = saved.arch().orElse(null);
        if (arch != null && !arch.equals(archOf(t.model()))) t.adoptModel(saved.build());
        Map<String, String> meta = ModelFile.loadCheckpoint(file, t.model(), t.optimizer());
        String seed = meta.get(LOADER_SEED);
        if (seed == null || Long.parseLong(seed) != t.trainLoader().seed()) {
            throw new IllegalArgumentException(file + ": checkpoint made with loader seed " + seed + " but this run uses "
                    + t.trainLoader().seed());
        }
        int epochs = Integer.parseInt(require(file, meta, EPOCH));
        List<EpochMetrics> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) history.add(decode(file, require(file, meta, HISTORY + e)));
        long globalStep = 0;
        if (meta.containsKey(GLOBAL_STEP)) globalStep = Long.parseLong(meta.get(GLOBAL_STEP));
        else for (EpochMetrics m : history) globalStep += (m.trainSamples() + t.trainLoader().batchSize() - 1) / t.trainLoader().batchSize();
        for (int i = 0; i < t.methods().size(); i++) {
            TrainingMethod method = t.methods().get(i);
            String prefix = methodPrefix(i, method);
            Map<String, String> state = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : meta.entrySet()) {
                if (e.getKey().startsWith(prefix)) state.put(e.getKey().substring(prefix.length()), e.getValue());
            }
            method.loadState(state);
        }
        t.restore(history, globalStep);
        return meta;
    }

    private static String archOf(dev.lanes.nn.Module model) {
        try {
            return SpecJson.toJson(model.spec());
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    private static String methodPrefix(int position, TrainingMethod m) {
        return METHOD + position + "." + m.name() + ".";
    }

    private static String methodNames(List<TrainingMethod> methods) {
        StringBuilder sb = new StringBuilder();
        for (TrainingMethod m : methods) sb.append(sb.isEmpty() ? "" : ",").append(m.name());
        return sb.toString();
    }

    private static String require(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException(file + ": not a training checkpoint (no metadata \"" + key + "\")");
        return v;
    }

    /**
     * {@code epoch;trainLoss;trainAcc;lr;trainSec;evalSec;samples;trainFlops;forwardFlops[;valLoss;valAcc;confusion]}
     * (rows '/'-separated). Entries of older checkpoints, without forwardFlops, still decode (as a third of trainFlops,
     * the "3 × forward" rule they were written with).
     */
    static String encode(EpochMetrics m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.epoch()).append(';').append(m.trainLoss()).append(';').append(m.trainAccuracy()).append(';')
                .append(m.learningRate()).append(';').append(m.trainSeconds()).append(';').append(m.evalSeconds()).append(';')
                .append(m.trainSamples()).append(';').append(m.trainFlops()).append(';').append(m.forwardFlops());
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
            boolean old = f.length == 8 || f.length == 11;
            int val = old ? 8 : 9;
            Evaluation v = null;
            if (f.length == val + 3) {
                String[] rows = f[val + 2].split("/");
                int[][] confusion = new int[rows.length][];
                for (int r = 0; r < rows.length; r++) {
                    String[] cells = rows[r].split(",");
                    confusion[r] = new int[cells.length];
                    for (int c = 0; c < cells.length; c++) confusion[r][c] = Integer.parseInt(cells[c]);
                }
                v = new Evaluation(Double.parseDouble(f[val]), Double.parseDouble(f[val + 1]), confusion);
            } else if (f.length != val) {
                throw new IllegalArgumentException("expected 9 or 12 fields (8 or 11 before forward FLOPs) but found " + f.length);
            }
            long trainFlops = Long.parseLong(f[7]);
            return new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), v,
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Long.parseLong(f[6]),
                    old ? trainFlops / 3 : Long.parseLong(f[8]), trainFlops);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": malformed history entry '" + s + "': " + e.getMessage(), e);
        }
    }
}
