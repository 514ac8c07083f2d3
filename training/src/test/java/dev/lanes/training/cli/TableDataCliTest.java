package dev.lanes.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.training.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableDataCliTest {
    @TempDir Path tmp;

    static Path irisDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("testdata").resolve("iris");
            if (Files.isDirectory(d)) return d;
        }
        throw new IllegalStateException("testdata/iris not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void aCsvFolderIsSplitEightyTwentyPerClassTheSameWayEveryTime() throws Exception {
        DataSource s = DataSource.detect(irisDir());
        assertEquals(DataSource.CSV, s.kind());
        Dataset train = s.train(), test = s.test();
        assertEquals(120, train.size());
        assertEquals(30, test.size());
        int[] perClass = new int[3];
        for (int i = 0; i < test.size(); i++) perClass[test.label(i)]++;
        assertEquals(java.util.List.of(10, 10, 10), java.util.Arrays.stream(perClass).boxed().toList());
        assertEquals(test.label(7), DataSource.detect(irisDir()).test().label(7));
    }

    @Test
    void anMlpTrainsOnIrisFromTheCommandLineAndEvaluates() throws Exception {
        Path out = tmp.resolve("iris");
        var t = LanesCliTest.lanes("train", "--model", "mlp-16", "--data", irisDir().toString(), "--epochs", "30", "--batch", "16",
                "--lr", "0.01", "--threads", "1", "--out", out.toString(), "--json");
        assertEquals(0, t.status(), t.err());
        double acc = Double.parseDouble(t.out().replaceAll("(?s).*\"test_accuracy\":\\s*([0-9.eE-]+).*", "$1"));
        assertTrue(acc >= 0.85, "an MLP learns Iris: " + t.out());
        var e = LanesCliTest.lanes("eval", out.resolve("model.lanes").toString(), "--json");
        assertEquals(0, e.status(), e.err());
        assertTrue(e.out().contains("\"test_accuracy\""), e.out());
    }

    @Test
    void aFolderWithTwoTablesIsRefused() throws Exception {
        Files.writeString(tmp.resolve("a.csv"), "x,y\n1,a\n");
        Files.writeString(tmp.resolve("b.csv"), "x,y\n1,a\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DataSource.detect(tmp));
        assertTrue(e.getMessage().contains("2 CSV files"), e.getMessage());
    }
}
