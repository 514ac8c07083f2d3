package dev.lanes.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The one-line errors the CLI prints (issue 13 #6 and #13): the cause and the path survive, OOM gets its fixes. */
class ErrorLinesTest {
    @Test
    void theCauseUnderAWrappedIoErrorIsPrinted() {
        var e = new UncheckedIOException("could not write the checkpoint /runs/a/checkpoints/epoch-3.lanes",
                new IOException("No space left on device"));
        assertEquals("could not write the checkpoint /runs/a/checkpoints/epoch-3.lanes: No space left on device", Lanes.oneLine(e));
    }

    @Test
    void aMissingFileIsNamedAsSuch() {
        var e = new IllegalStateException("cannot load the model", new NoSuchFileException("/runs/a/model.lanes"));
        assertEquals("cannot load the model: no such file: /runs/a/model.lanes", Lanes.oneLine(e));
    }

    @Test
    void aCauseAlreadyInTheMessageIsNotRepeated() {
        var cause = new IOException("Is a directory");
        var e = new IOException("/runs/a/model.lanes: Is a directory", cause);
        assertEquals("/runs/a/model.lanes: Is a directory", Lanes.oneLine(e));
    }

    @Test
    void outOfMemorySuggestsTwiceTheHeapAndASmallerBatch() {
        String line = Lanes.outOfMemory("train", new OutOfMemoryError("Java heap space"), 3L << 30);
        assertEquals("lanes train: error: out of memory (Java heap space); give Java more heap, e.g. LANES_JAVA_OPTS=-Xmx6g, "
                + "or use a smaller --batch", line);
        assertTrue(Lanes.outOfMemory("eval", new OutOfMemoryError(), 256L << 20).contains("-Xmx2g"), "at least 2 GB");
    }
}
