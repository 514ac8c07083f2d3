package dev.lanes.training.rescale;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.CosineLr;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.EpochMetrics;
import dev.lanes.training.Trainer;
import dev.lanes.training.TrainingListener;
import dev.lanes.training.TrainingView;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.data.DatasetStats;
import dev.lanes.training.data.MnistDataset;
import dev.lanes.training.methods.Methods;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Not a test: a measurement the README quotes, run only when named (its name matches no surefire pattern):
 * <pre>
 * bin/test -pl engine,nn,training -Dsurefire.failIfNoSpecifiedTests=false -Dtest=RescaleProbe \
 *     -Dmethods='none;rescale:switch=2,interp=bilinear,rewarm=0' -Depochs=4 -Dlimit=10000
 * </pre>
 * For each method spec (';'-separated, "none" = the baseline) it trains {@code -Dmodel} (default gap-cnn) on the
 * first {@code -Dlimit} Fashion-MNIST training images (seed 1, batch 64, Adam 2e-3 cosine to 0 over
 * {@code -Depochs}) and prints per epoch the test accuracy the trainer measured and the accuracy of the model
 * as it is after the methods acted, on full-resolution test images: right after a switch, that is the
 * rescaled model before any full-resolution training.
 */
class RescaleProbe {
    private static Path fashionMnist() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("shared").resolve("datasets").resolve("fashion-mnist");
            if (java.nio.file.Files.isDirectory(d)) return d;
        }
        throw new IllegalStateException("shared/datasets/fashion-mnist not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void probe() throws Exception {
        Parallel.setThreads(2);
        Path dir = fashionMnist();
        Dataset train = MnistDataset.load(dir, "train").subset(0, Integer.getInteger("limit", 10000)), test = MnistDataset.load(dir, "t10k");
        float[][] norm = DatasetStats.meanStd(train);
        int epochs = Integer.getInteger("epochs", 4);
        String model = System.getProperty("model", "gap-cnn");
        for (String method : System.getProperty("methods", "none").split(";")) {
            Module net = Zoo.create(model, 1, 28, 28, 10, 1);
            try (DataLoader tl = DataLoader.builder(train).batchSize(64).shuffle(true).seed(1).normalize(norm[0], norm[1]).build();
                 DataLoader vl = DataLoader.builder(test).batchSize(64).normalize(norm[0], norm[1]).build()) {
                Trainer.Builder b = Trainer.builder(net, new Adam(net.namedParameters(), 2e-3f), tl).validation(vl).epochs(epochs).seed(1)
                        .schedule(CosineLr.perIteration(2e-3f, 0f, epochs));
                if (!method.equals("none")) b.method(Methods.create(method));
                b.listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochMetrics m, TrainingView run) {
                        double full = run.validationLoader().imageShape()[1] == 28 && m.validation() != null
                                ? Trainer.evaluate(run.model(), vl, 10).accuracy() : Double.NaN;
                        System.out.printf("PROBE %s epoch %d: val %.4f loss %.4f train %.1fs | model now at full res: %.4f%n", method, m.epoch(),
                                m.valAccuracy(), m.valLoss(), m.trainSeconds(), full);
                    }
                });
                b.build().fit();
            }
        }
    }
}
