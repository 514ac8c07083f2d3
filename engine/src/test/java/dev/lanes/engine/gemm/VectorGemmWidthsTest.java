package dev.lanes.engine.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VectorGemm} at every vector width, each in a fresh JVM limited by {@code -XX:MaxVectorSize}: the
 * tile is chosen from the width (12×2 at 512 bits, 4×2 at 256 and 128), so one AVX-512 machine tests all
 * three kernels; see {@link GemmWidthProbe} for what is checked. A CPU without the wider vectors clamps the
 * width, and that case is skipped (it is the narrower width again).
 */
class VectorGemmWidthsTest {
    @ParameterizedTest(name = "MaxVectorSize={0} bytes")
    @ValueSource(ints = {16, 32, 64})
    void matchesTheReferenceWithTheSameBitsAtEveryThreadCount(int maxVectorBytes) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = List.of(java, "--add-modules", "jdk.incubator.vector", "-XX:MaxVectorSize=" + maxVectorBytes,
                "-cp", System.getProperty("java.class.path"), GemmWidthProbe.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish: " + output);
        String ok = output.lines().filter(l -> l.startsWith("OK ")).findFirst().orElse("");
        int lanes = ok.isEmpty() ? -1 : Integer.parseInt(ok.split(" ")[2]);
        if (p.exitValue() == 0 && lanes != maxVectorBytes / 4) {
            assumeTrue(false, "this CPU runs " + lanes + " float lanes at MaxVectorSize=" + maxVectorBytes);
        }
        assertEquals(0, p.exitValue(), "probe failed:\n" + output);
        int expectedRows = lanes >= 16 ? 12 : 4;
        assertTrue(ok.contains(" mr " + expectedRows + " "), "expected a " + expectedRows + "-row tile at " + lanes + " lanes: " + ok);
    }
}
