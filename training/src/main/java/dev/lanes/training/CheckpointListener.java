package dev.lanes.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves a {@link Checkpoint} after every epoch into one folder, keeping the newest {@code keep} files
 * (checkpoints of large models add up; a resume needs the latest, or the one before if that is corrupt)
 * and removing what interrupted saves left behind.
 */
public final class CheckpointListener implements TrainingListener {
    private final Path dir;
    private final Map<String, String> metadata;
    private final int keep;

    /** @param metadata run configuration stored in each checkpoint (model name, optimizer...) */
    public CheckpointListener(Path dir, Map<String, String> metadata, int keep) {
        if (keep < 1) throw new IllegalArgumentException("must keep at least one checkpoint but keep is " + keep);
        this.dir = dir;
        this.metadata = Map.copyOf(metadata);
        this.keep = keep;
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics, TrainingView run) {
        try {
            Checkpoint.save(dir, run, metadata);
            Checkpoint.prune(dir, keep);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the checkpoint of epoch " + metrics.epoch() + " to " + dir + ": " + e, e);
        }
    }
}
