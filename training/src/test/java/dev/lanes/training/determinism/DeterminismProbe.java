package dev.lanes.training.determinism;

import dev.lanes.engine.Kernels;
import dev.lanes.training.TestData;
import dev.lanes.training.cli.Lanes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs in a fresh JVM for {@link DeterminismTest}: trains the same short run through the CLI, and prints one
 * line per model file it wrote, {@code model NAME SHA256}, after a line {@code kernels NAME}.
 *
 * <pre>
 * twice DIR          two identical runs one after the other in this JVM (the first starts cold, interpreted;
 *                    the second runs on compiled code): DIR/first, DIR/second
 * resume DIR FROM    a run resumed from the epoch-1 checkpoint of FROM's uninterrupted run: DIR/resumed
 * </pre>
 */
public final class DeterminismProbe {
    static final String EPOCHS = "2";

    private DeterminismProbe() {}

    public static void main(String[] args) throws Exception {
        System.out.println("kernels " + Kernels.active().name());
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "twice" -> {
                train(dir.resolve("first"), false);
                train(dir.resolve("second"), false);
            }
            case "resume" -> {
                Path from = Path.of(args[2]).resolve("checkpoints").resolve("epoch-0001.lanes");
                Path out = dir.resolve("resumed");
                Files.createDirectories(out.resolve("checkpoints"));
                Files.copy(from, out.resolve("checkpoints").resolve("epoch-0001.lanes"), StandardCopyOption.REPLACE_EXISTING);
                train(out, true);
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void train(Path out, boolean resume) throws IOException, NoSuchAlgorithmException {
        List<String> argv = new ArrayList<>(List.of("train", "--model", "lenet5", "--data", TestData.mnistDir().toString(),
                "--epochs", EPOCHS, "--limit", "1500", "--batch", "32", "--seed", "7", "--threads", "2", "--out", out.toString()));
        if (resume) argv.add("--resume");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = Lanes.run(argv.toArray(new String[0]), new PrintStream(log), new PrintStream(log));
        if (status != 0) throw new IllegalStateException("lanes train exited with " + status + ":\n" + log);
        byte[] model = Files.readAllBytes(out.resolve("model.lanes"));
        System.out.println("model " + out.getFileName() + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model)));
    }
}
