package dev.lanes.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lanes.engine.Parallel;
import dev.lanes.nn.Module;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.LrSchedule;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files ordered and cleaned, readable numbers, and the schedule actually reaching the optimizer. */
class RunFilesTest {
    @TempDir Path tmp;

    @Test
    void checkpointsAreOrderedByEpochNumberAndPruningRemovesStaleAndTemporaryFiles() throws Exception {
        for (String name : List.of("epoch-9999.lanes", "epoch-10000.lanes", "epoch-0002.lanes", ".epoch-10001.lanes.3fa9.tmp", "notes.txt")) {
            Files.writeString(tmp.resolve(name), "x");
        }
        assertEquals(List.of(tmp.resolve("epoch-10000.lanes"), tmp.resolve("epoch-9999.lanes"), tmp.resolve("epoch-0002.lanes")),
                Checkpoint.newestFirst(tmp));
        assertEquals(tmp.resolve("epoch-10000.lanes"), Checkpoint.latest(tmp));
        Checkpoint.prune(tmp, 2);
        List<String> left = new ArrayList<>();
        try (var s = Files.list(tmp)) { s.forEach(p -> left.add(p.getFileName().toString())); }
        left.sort(null);
        assertEquals(List.of("epoch-10000.lanes", "epoch-9999.lanes", "notes.txt"), left);
    }

    @Test
    void lossesPrintCompactlyAtEveryMagnitude() {
        assertEquals("2.3026", Formats.compact(2.302585));
        assertEquals("4.3581e+27", Formats.compact(4358115392784986700000000000.0));
        assertEquals("1.0000e-07", Formats.compact(1e-7));
        assertEquals("0.0000", Formats.compact(0));
        assertEquals("NaN", Formats.compact(Double.NaN));
    }

    @Test
    void theScheduleSetsTheOptimizersRate() {
        Parallel.setThreads(2);
        Dataset train = TestData.mnistTrain().subset(0, 64);
        Module zero = Zoo.create("lenet5", 1, 10, 1), moving = Zoo.create("lenet5", 1, 10, 1);
        float[] before = zero.parameters().get(0).value().toArray();
        // the optimizers are built with a rate that trains; only the schedule can hold the weights still
        for (Module m : List.of(zero, moving)) {
            LrSchedule s = m == zero ? LrSchedule.constant(0f) : LrSchedule.constant(1e-3f);
            Trainer.builder(m, new Adam(m.parameters(), 1e-2f), TrainerTest.loader(train, 32, false, 1)).epochs(1).seed(1).schedule(s)
                    .build().fit();
        }
        assertArrayEquals(before, zero.parameters().get(0).value().toArray(), "rate 0 from the schedule: nothing moves");
        assertFalse(java.util.Arrays.equals(before, moving.parameters().get(0).value().toArray()), "rate 1e-3: the weights move");
    }
}
