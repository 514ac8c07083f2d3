package dev.lanes.training.cli;

import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The data a saved model is run on: the {@code --data} folder, else the folder it was trained on if it still
 * exists, else the bundled MNIST; checked against the model's input shape, fed with its normalisation.
 */
record ModelData(Path dir, DataSource source, ModelSpec spec) {
    static ModelData resolve(Args a, Path file, ModelSpec spec) {
        Path dir = a.has("data") ? Path.of(a.string("data", null))
                : !spec.dataDir().isEmpty() && Files.isDirectory(Path.of(spec.dataDir())) ? Path.of(spec.dataDir()) : DataSource.defaultDir();
        dir = dir.toAbsolutePath().normalize();
        return new ModelData(dir, DataSource.detect(dir), spec);
    }

    Dataset train(int limit) throws IOException {
        Dataset d = checked(source.train());
        return limit < d.size() ? d.subset(0, limit) : d;
    }

    Dataset test(int limit) throws IOException {
        Dataset d = checked(source.test());
        return limit < d.size() ? d.subset(0, limit) : d;
    }

    /** In order, no augmentation, the model's normalisation. */
    DataLoader loader(Dataset d, int batch) {
        return DataLoader.builder(d).batchSize(batch).normalize(spec.mean(), spec.std()).build();
    }

    private Dataset checked(Dataset d) {
        int[] want = {spec.channels(), spec.height(), spec.width()};
        if (!Arrays.equals(d.imageShape(), want))
            throw new IllegalArgumentException(dir + " has images of shape " + Arrays.toString(d.imageShape()) + " but the model expects " + Arrays.toString(want));
        return d;
    }
}
