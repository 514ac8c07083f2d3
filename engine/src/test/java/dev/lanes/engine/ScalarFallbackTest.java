package dev.lanes.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scalar fallback works where the Vector API is absent: {@link FallbackProbe} runs in a fresh JVM started
 * without {@code --add-modules jdk.incubator.vector} (this test's own JVM has it) and must print OK.
 */
class ScalarFallbackTest {
    @Test
    void kernelsFallBackToScalarWithoutTheIncubatorModule() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dlanes.threads=1", FallbackProbe.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish: " + output);
        assertEquals(0, p.exitValue(), "probe failed:\n" + output);
        assertTrue(output.lines().anyMatch(l -> l.equals("OK scalar")), "no OK line in:\n" + output);
    }
}
