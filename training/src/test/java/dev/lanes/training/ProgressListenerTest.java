package dev.lanes.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {
    static String drive(boolean terminal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressListener p = new ProgressListener(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal);
        p.onRunStart(1, 3, 10, 1000);
        // the last batch is always drawn, whatever the redraw throttle
        p.onBatchEnd(1, 9, 1000, 0.25, 2_000_000_000L);
        p.onEpochEnd(SvgChartTest.epoch(1, 0.25, 0.9, new Evaluation(0.3, 0.875, new int[][] {{1}})), null);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void terminalGetsABarWithThroughputAndEta() {
        String s = drive(true);
        assertTrue(s.contains("\repoch 1/3 [" + "=".repeat(30) + "] 100%"), s);
        assertTrue(s.contains("500 img/s") && s.contains("ETA 0:00"), s);
        assertTrue(s.contains("val loss 0.3000 acc 87.50%"), s);
    }

    @Test
    void pipesGetPlainLinesOnly() {
        String s = drive(false);
        assertFalse(s.contains("\r") || s.contains("\033"), s);
        assertEquals(1, s.lines().count(), s);
        assertTrue(s.startsWith("epoch 1/3  train loss 0.2500 acc 90.00%  val loss 0.3000 acc 87.50%"), s);
    }

    @Test
    void clockFormatsMinutesAndHours() {
        assertEquals("0:07", ProgressListener.clock(7.4));
        assertEquals("2:05", ProgressListener.clock(125));
        assertEquals("1:01:01", ProgressListener.clock(3661));
    }
}
