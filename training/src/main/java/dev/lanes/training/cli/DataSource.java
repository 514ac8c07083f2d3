package dev.lanes.training.cli;

import dev.lanes.training.data.Cifar10Reader;
import dev.lanes.training.data.CsvReader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.MnistDataset;
import dev.lanes.training.data.StratifiedSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which dataset a {@code --data} folder holds, told apart by file names: MNIST-style IDX files
 * ({@code train-images-idx3-ubyte[.gz]}, Fashion-MNIST too) or CIFAR-10 binary batches.
 */
record DataSource(Path dir, String kind) {
    static final String IDX = "idx";
    static final String CIFAR10 = "cifar10";
    static final String CSV = "csv";
    static final double CSV_TEST_FRACTION = 0.2;
    static final long CSV_SPLIT_SEED = 1;

    /** The bundled MNIST: {@code <lanes.home or current dir>/testdata/mnist}. */
    static Path defaultDir() {
        String home = System.getProperty("lanes.home");
        Path base = home == null || home.isBlank() ? Path.of("") : Path.of(home);
        return base.resolve("testdata").resolve("mnist").toAbsolutePath().normalize();
    }

    static DataSource detect(Path dir) {
        if (Files.isRegularFile(dir)) throw new IllegalArgumentException("--data " + dir + " is a file; give the folder that holds the data files");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("data folder " + dir + " does not exist");
        if (Files.exists(dir.resolve("train-images-idx3-ubyte.gz")) || Files.exists(dir.resolve("train-images-idx3-ubyte"))
                || Files.exists(dir.resolve("t10k-images-idx3-ubyte.gz")) || Files.exists(dir.resolve("t10k-images-idx3-ubyte"))) {
            return new DataSource(dir, IDX);
        }
        if (Cifar10Reader.holdsBatches(dir)) { // any batch: loading then names the missing ones
            return new DataSource(dir, CIFAR10);
        }
        List<Path> csv = csvFiles(dir);
        if (csv.size() == 1) return new DataSource(csv.get(0), CSV);
        if (csv.size() > 1) throw new IllegalArgumentException("data folder " + dir + " holds " + csv.size() + " CSV files " + csv + "; expected one");
        throw new IllegalArgumentException("data folder " + dir + " holds neither MNIST-style IDX files "
                + "(train-images-idx3-ubyte.gz ...) nor CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin) nor one .csv table");
    }

    private static List<Path> csvFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list data folder " + dir + ": " + e.getMessage(), e);
        }
    }

    Dataset train() throws IOException {
        return switch (kind) {
            case IDX -> MnistDataset.load(dir, "train");
            case CSV -> csvSplit().train();
            default -> Cifar10Reader.load(dir, "train");
        };
    }

    Dataset test() throws IOException {
        return switch (kind) {
            case IDX -> MnistDataset.load(dir, "t10k");
            case CSV -> csvSplit().test();
            default -> Cifar10Reader.load(dir, "test");
        };
    }

    private StratifiedSplit.Split csvSplit() throws IOException {
        return StratifiedSplit.split(CsvReader.read(dir), CSV_TEST_FRACTION, CSV_SPLIT_SEED);
    }

    /** Whether the standard augmentation (random crop with padding 4, horizontal flip) suits the data. */
    boolean augmentByDefault() {
        return kind.equals(CIFAR10); // digits must not be mirrored
    }
}
