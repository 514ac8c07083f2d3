package dev.lanes.training.cli;

import static dev.lanes.training.cli.LanesCliTest.lanes;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.training.cli.LanesCliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each message says what is wrong with the value given, not something that happens to follow from it. */
class ArgumentMessagesTest {
    @TempDir Path tmp;

    private static void says(String expected, String... args) {
        Run r = lanes(args);
        assertTrue(r.status() != 0 && r.err().contains(expected), String.join(" ", args) + " -> " + r.err());
    }

    @Test
    void benchInferTakesAZooModelByNameOrAFileButNotBoth() {
        Run r = lanes("bench", "infer", "--model", "lenet5", "--batch", "4", "--rounds", "1", "--threads", "1", "--json");
        assertTrue(r.status() == 0 && r.out().contains("\"file\": \"zoo:lenet5\"") && r.out().contains("\"gflops\""), r.err() + r.out());
        says("give either MODEL_FILE or --model NAME", "bench", "infer");
        says("give either MODEL_FILE or --model NAME", "bench", "infer", "m.lanes", "--model", "lenet5");
        says("--model must be one of", "bench", "infer", "--model", "alexnet");
    }

    @Test
    void forgottenValuesHugeNumbersAndFilesForFolders() throws Exception {
        says("option --data needs a value but is followed by the option --epochs", "train", "--data", "--epochs", "1");
        says("--epochs must be in [1, 100000] but is 99999999999", "train", "--epochs", "99999999999");
        says("too large for any option", "train", "--epochs", "99999999999999999999999");
        says("resnet depth 99999999999 in 'resnet99999999999' is beyond 1000", "train", "--model", "resnet99999999999",
                "--data", dev.lanes.training.TestData.mnistDir().toString(), "--limit", "10", "--out", tmp.resolve("r").toString());
        Path file = Files.writeString(tmp.resolve("data.txt"), "x");
        says(file + " is a file; give the folder", "train", "--data", file.toString(), "--out", tmp.resolve("o").toString());
        says("--lr must be a finite number > 0.0 but is -1", "train", "--lr", "-1");
    }
}
