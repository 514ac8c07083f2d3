package dev.lanes.training.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lanes report's rows from stored results: claims and checks, recorded and reconstructed commands, missing experiments. */
class ClaimsReportTest {
    @TempDir Path tmp;

    private static final String FREEZE = """
            {"experiment": "freeze", "model": "vgg11-w0.125", "data": "/somewhere/shared/datasets/fashion-mnist", "seeds": 3,
             "claims": [{"claim": "time at most 0.5x", "paper": "more than halved", "measured": "0.46x", "holds": true},
                        {"claim": "faster than freezeout", "paper": "lanes", "measured": "58.9 s vs 107.5 s", "holds": false}],
             "options": {"epochs": 8, "limit": 8000, "batch": 64, "lr": 0.002, "threads": 2}}
            """;
    private static final String SPARSITY = """
            {"experiment": "sparsity", "command": "bin/lanes experiment sparsity --data ../shared/datasets/fashion-mnist",
             "checks": [{"claim": "Adam + L2 leaves the most dead filters", "source": "Mehta et al.", "measured": "41%", "holds": true},
                        {"claim": "inference >= 1.3x faster", "source": "lanes", "measured": "12% removed", "holds": null}]}
            """;

    @Test
    void everyClaimIsARowAndEveryMissingMethodExperimentSaysHowToRunIt() throws IOException {
        Files.writeString(tmp.resolve("freeze-vgg.json"), FREEZE);
        Files.createDirectories(tmp.resolve("experiment-sparsity"));
        Files.writeString(tmp.resolve("experiment-sparsity/results.json"), SPARSITY);
        Files.writeString(tmp.resolve("notes.txt"), "not a result");
        ClaimsReport r = ClaimsReport.read(tmp, List.of("freeze", "sparsity", "rescale"), "../shared/datasets/fashion-mnist");
        List<ClaimsReport.Row> rows = r.rows();
        assertEquals(5, rows.size(), rows.toString());

        ClaimsReport.Row first = rows.get(0);
        assertEquals("sparsity", first.method(), "folders sort before files: experiment-sparsity < freeze-vgg.json");
        assertEquals("Mehta et al.", first.paper());
        assertEquals("bin/lanes experiment sparsity --data ../shared/datasets/fashion-mnist", first.command());
        assertNull(rows.get(1).holds());
        assertEquals("n/a", rows.get(1).verdict());

        ClaimsReport.Row freeze = rows.get(2);
        assertEquals("freeze (vgg)", freeze.method());
        assertEquals(true, freeze.holds());
        assertEquals("bin/lanes experiment freeze --model vgg11-w0.125 --data ../shared/datasets/fashion-mnist --seeds 3 --epochs 8 "
                + "--limit 8000 --batch 64 --lr 0.002 --threads 2 (reconstructed from the recorded options)", freeze.command());
        assertEquals("**no**", rows.get(3).verdict());

        ClaimsReport.Row missing = rows.get(4);
        assertEquals("rescale", missing.method());
        assertEquals("not run", missing.verdict());
        assertTrue(missing.command().startsWith("bin/lanes experiment rescale --data ../shared/datasets/fashion-mnist"), missing.command());

        String table = r.table();
        assertTrue(table.contains("| freeze (vgg) | more than halved | time at most 0.5x | 0.46x | yes |"), table);
        assertTrue(table.contains("2 claims hold, 1 do not, 1 not applicable; 1 experiments have no stored result."), table);
        String json = r.toJson().toString();
        assertTrue(json.startsWith("{\"rows\": [{\"method\": \"sparsity\"") || json.startsWith("{\"rows\":[{\"method\":\"sparsity\""), json);
    }

    @Test
    void aBrokenResultIsRefusedNamingTheFile() throws IOException {
        Path bad = tmp.resolve("rescale.json");
        Files.writeString(bad, "{\"experiment\": \"rescale\", \"claims\": [");
        IOException e = assertThrows(IOException.class, () -> ClaimsReport.read(tmp, List.of(), "d"));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("not valid JSON"), e.getMessage());
        Files.writeString(bad, "{\"experiment\": \"rescale\", \"claims\": [{\"claim\": \"x\", \"holds\": \"maybe\"}]}");
        e = assertThrows(IOException.class, () -> ClaimsReport.read(tmp, List.of(), "d"));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("holds"), e.getMessage());
        IOException none = assertThrows(IOException.class, () -> ClaimsReport.read(tmp.resolve("nope"), List.of(), "d"));
        assertTrue(none.getMessage().contains("nope"), none.getMessage());
    }
}
