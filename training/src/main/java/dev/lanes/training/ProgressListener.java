package dev.lanes.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Human-readable progress. On a terminal a single self-overwriting line per epoch shows a bar, the running
 * loss, throughput (images/s) and the epoch's ETA, redrawn at most ~5 times a second; elsewhere (a pipe, a
 * log file, CI) only one plain line per epoch, so logs stay readable. Both end each epoch with a summary.
 */
public final class ProgressListener implements TrainingListener {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int BAR = 30;
    private final PrintStream out;
    private final boolean terminal;
    private int lastEpoch;
    private int samplesPerEpoch;
    private long lastDraw;

    private final String evalName;

    /** @param terminal whether {@code out} is an interactive terminal (the CLI passes {@code System.console() != null}) */
    public ProgressListener(PrintStream out, boolean terminal) {
        this(out, terminal, "val");
    }

    /** @param evalName the label of the per-epoch evaluation in each line ("val" or "test") */
    public ProgressListener(PrintStream out, boolean terminal, String evalName) {
        this.out = out;
        this.terminal = terminal;
        this.evalName = evalName;
    }

    @Override
    public void onRunStart(int firstEpoch, int lastEpoch, int batchesPerEpoch, int samplesPerEpoch) {
        this.lastEpoch = lastEpoch;
        this.samplesPerEpoch = samplesPerEpoch;
        if (firstEpoch > lastEpoch) out.println("nothing to do: all " + lastEpoch + " epochs are complete");
        else if (firstEpoch > 1) out.println("resuming at epoch " + firstEpoch + " of " + lastEpoch);
    }

    @Override
    public void onBatchEnd(int epoch, int batch, int samplesDone, double runningLoss, long elapsedNanos) {
        if (!terminal) return;
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && samplesDone < samplesPerEpoch) return;
        lastDraw = now;
        double frac = samplesPerEpoch == 0 ? 1 : (double) samplesDone / samplesPerEpoch;
        int filled = (int) Math.round(frac * BAR);
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? samplesDone / seconds : 0;
        double eta = rate > 0 ? (samplesPerEpoch - samplesDone) / rate : 0;
        out.print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %3.0f%% loss %s %6.0f img/s ETA %s ",
                epoch, lastEpoch, "=".repeat(filled), " ".repeat(BAR - filled), frac * 100, Formats.compact(runningLoss), rate, clock(eta)));
        out.flush();
    }

    @Override
    public void onEpochEnd(EpochMetrics m, TrainingView run) {
        if (terminal) out.print("\r\033[2K"); // clear the bar line
        String val = m.validation() == null ? ""
                : String.format(Locale.ROOT, "  %s loss %s acc %.2f%%", evalName, Formats.compact(m.valLoss()), m.valAccuracy() * 100);
        out.println(String.format(Locale.ROOT, "epoch %d/%d  train loss %s acc %.2f%%%s  lr %.2e  %.1f s  %.0f img/s  %.2f GFLOPS",
                m.epoch(), lastEpoch, Formats.compact(m.trainLoss()), m.trainAccuracy() * 100, val, m.learningRate(), m.trainSeconds(),
                m.imagesPerSecond(), m.gflops()));
        out.flush();
    }

    @Override
    public void onRunEnd(TrainingResult r) {
        if (r.stoppedEarly()) out.println("early stop after epoch " + r.last().epoch() + " (best epoch " + r.bestEpoch() + ")");
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
