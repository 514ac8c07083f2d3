package dev.lanes.training;

import dev.lanes.training.data.ByteImageDataset;
import dev.lanes.training.data.MnistDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bundled MNIST, found from the test's working folder (the module) upwards, loaded once per JVM. */
public final class TestData {
    private static ByteImageDataset train, test;

    private TestData() {}

    public static Path mnistDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("testdata").resolve("mnist");
            if (Files.isDirectory(d)) return d;
        }
        throw new IllegalStateException("testdata/mnist not found above " + Path.of("").toAbsolutePath());
    }

    public static synchronized ByteImageDataset mnistTrain() {
        if (train == null) train = load("train");
        return train;
    }

    public static synchronized ByteImageDataset mnistTest() {
        if (test == null) test = load("t10k");
        return test;
    }

    private static ByteImageDataset load(String split) {
        try {
            return MnistDataset.load(mnistDir(), split);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
