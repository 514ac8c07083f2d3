package dev.lanes.training.determinism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guarantee the README states: the same seed, kernel set, vector width and thread count give the same
 * bits. Each case trains the same short run through the CLI in fresh JVMs limited to a vector width
 * ({@code -XX:MaxVectorSize}, so one AVX-512 machine checks both the 256- and the 512-bit kernels) and
 * compares the model files byte for byte: two runs in one JVM (cold interpreted code, then compiled code,
 * which is where an unordered {@code reduceLanes(ADD)} once gave other bits), a run in a second JVM, and a
 * run resumed from the first one's epoch-1 checkpoint.
 */
class DeterminismTest {
    @TempDir Path tmp;

    @ParameterizedTest(name = "vector width {0} bytes")
    @ValueSource(ints = {32, 64})
    void sameRunSameBytesInOneJvmAcrossJvmsAndResumed(int maxVectorBytes) throws Exception {
        Map<String, String> a = probe(maxVectorBytes, "twice", tmp.resolve("a").toString());
        String kernels = a.get("kernels");
        // a machine without 512-bit vectors clamps the width: that case is the 256-bit one again
        assumeTrue(kernels.equals("vector-" + maxVectorBytes * 8), "this CPU runs " + kernels + " at MaxVectorSize=" + maxVectorBytes);
        Map<String, String> b = probe(maxVectorBytes, "twice", tmp.resolve("b").toString());
        Map<String, String> r = probe(maxVectorBytes, "resume", tmp.resolve("r").toString(), tmp.resolve("a").resolve("first").toString());
        String reference = a.get("first");
        assertEquals(reference, a.get("second"), kernels + ": a second run in the same JVM (compiled code) wrote other bytes");
        assertEquals(reference, b.get("first"), kernels + ": a run in another JVM wrote other bytes");
        assertEquals(reference, b.get("second"), kernels + ": a second run in another JVM wrote other bytes");
        assertEquals(reference, r.get("resumed"), kernels + ": the run resumed from epoch 1 wrote other bytes than the uninterrupted one");
    }

    /** Runs {@link DeterminismProbe} in a new JVM; returns its {@code kernels} and {@code model} lines by name. */
    private static Map<String, String> probe(int maxVectorBytes, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-XX:MaxVectorSize=" + maxVectorBytes,
                "-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "probe did not finish: " + output);
        assertEquals(0, p.exitValue(), "probe failed:\n" + output);
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            String[] f = line.split(" ");
            if (f.length == 2 && f[0].equals("kernels")) lines.put("kernels", f[1]);
            if (f.length == 3 && f[0].equals("model")) lines.put(f[1], f[2]);
        }
        assertTrue(lines.containsKey("kernels"), "no kernels line in:\n" + output);
        return lines;
    }
}
