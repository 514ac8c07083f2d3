package dev.lanes.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel set follows the runtime, on the class path and on the module path: {@link KernelChoiceProbe} runs in
 * fresh JVMs with and without {@code --add-modules jdk.incubator.vector} and must print OK with the expected set.
 * On the module path the engine is the exploded {@code target/classes} module, patched with the test classes so the
 * probe runs inside it. A module path limited to {@code java.base} stands for a jlinked runtime without the
 * incubator module: it must start (no {@code FindException}) and use the scalar kernels.
 */
class KernelChoiceTest {
    private static final String ADD_VECTOR = "--add-modules=jdk.incubator.vector";
    private static final String PROBE = KernelChoiceProbe.class.getName();

    /** What this JVM (which has the module) builds: a CPU with fewer than 4 float lanes gets scalar everywhere. */
    private static final String VECTOR_EXPECTED = Kernels.vector().isPresent() ? "vector" : "scalar";

    @Test
    void classPathWithoutTheModuleFallsBackToScalarAndNamesTheFlag() throws Exception {
        String out = run(List.of("-cp", System.getProperty("java.class.path"), PROBE, "scalar", "unnamed"));
        assertTrue(out.lines().anyMatch(l -> l.equals("OK scalar unnamed")), out);
        assertLogNamesTheFix(out);
    }

    @Test
    void classPathWithTheModuleUsesTheVectorSet() throws Exception {
        String out = run(List.of(ADD_VECTOR, "-cp", System.getProperty("java.class.path"), PROBE, VECTOR_EXPECTED, "unnamed"));
        assertTrue(out.lines().anyMatch(l -> l.startsWith("OK " + VECTOR_EXPECTED) && l.endsWith(" unnamed")), out);
    }

    @Test
    void modulePathWithoutTheModuleFallsBackToScalarAndNamesTheFlag() throws Exception {
        String out = run(modulePath(List.of(), "scalar"));
        assertTrue(out.lines().anyMatch(l -> l.equals("OK scalar named")), out);
        assertLogNamesTheFix(out);
    }

    @Test
    void modulePathWithTheModuleUsesTheVectorSet() throws Exception {
        String out = run(modulePath(List.of(ADD_VECTOR), VECTOR_EXPECTED));
        assertTrue(out.lines().anyMatch(l -> l.startsWith("OK " + VECTOR_EXPECTED) && l.endsWith(" named")), out);
    }

    @Test
    void aRuntimeWithoutTheIncubatorModuleStarts() throws Exception {
        // only java.base and the engine are observable, as in `jlink --add-modules dev.lanes.engine`
        String out = run(modulePath(List.of("--limit-modules", "java.base,dev.lanes.engine"), "scalar"));
        assertFalse(out.contains("FindException"), out);
        assertTrue(out.lines().anyMatch(l -> l.equals("OK scalar named")), out);
    }

    private static void assertLogNamesTheFix(String out) {
        assertTrue(out.lines().anyMatch(l -> l.contains("Lanes kernels: scalar") && l.contains("--add-modules jdk.incubator.vector")),
                "no log line naming --add-modules jdk.incubator.vector in:\n" + out);
    }

    /** Arguments running the probe inside the engine module: main classes plus the test classes patched in. */
    private static List<String> modulePath(List<String> extra, String expected) throws URISyntaxException {
        Path mainClasses = location(Kernels.class), testClasses = location(KernelChoiceProbe.class);
        List<String> args = new ArrayList<>(extra);
        args.addAll(List.of("-p", mainClasses.toString(), "--patch-module", "dev.lanes.engine=" + testClasses,
                "-m", "dev.lanes.engine/" + PROBE, expected, "named"));
        return args;
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Runs a JVM with {@code args}, asserts exit 0 within a minute, returns stdout and stderr together. */
    private static String run(List<String> args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "-Dlanes.threads=1"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish: " + output);
        assertEquals(0, p.exitValue(), "probe failed: " + command + "\n" + output);
        return output;
    }
}
