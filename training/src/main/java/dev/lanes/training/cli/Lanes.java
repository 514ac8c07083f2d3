package dev.lanes.training.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code lanes} command-line tool. Exit status: 0 success, 1 failure (bad data, I/O, diverged training),
 * 2 bad command line. Errors are one line on stderr.
 *
 * <p>System properties: {@code lanes.home} (install folder; the bundled data is {@code <home>/testdata}),
 * {@code lanes.threads} (default thread count of the engine), {@code lanes.debug=true} (stack traces).
 */
public final class Lanes {
    static final String HELP = """
            Usage: lanes <command> [options]     (lanes <command> --help for its options)
              train       train a model (default: LeNet-5 on the bundled MNIST)
              experiment  a baseline arm against a method arm over several seeds (experiment --help)
              eval        evaluate a saved model file on a test split
              inspect     list a saved model's layers, shapes, parameters and FLOPs (--sparsity: its dead filters)
              prune       remove a saved model's dead filters (BN folded), check and time the smaller model
              compress    compress a saved model: compress lowrank factorises its layers by truncated SVD
              report      every method's claims against the stored experiment results, one table (report --help)
              bench       benchmark GEMM (bench gemm), training steps (bench step) or a saved model's inference (bench infer)
            """;

    private Lanes() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        if (status != 0) System.exit(status);
    }

    /** Runs a command; returns the exit status instead of exiting (for tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("lanes: missing command (train, experiment, eval, inspect, prune, compress, report, bench); see lanes --help");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "--help", "-h", "help" -> {
                    out.print(HELP);
                    yield 0;
                }
                case "train" -> TrainCommand.run(rest, out, err);
                case "experiment" -> ExperimentCommand.run(rest, out, err);
                case "eval" -> EvalCommand.run(rest, out, err);
                case "inspect" -> InspectCommand.run(rest, out, err);
                case "prune" -> PruneCommand.run(rest, out, err);
                case "compress" -> CompressCommand.run(rest, out, err);
                case "report" -> ReportCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                default -> throw new UsageException("lanes: unknown command '" + args[0] + "'; use train, experiment, eval, inspect, prune, compress, report or bench (see lanes --help)");
            };
        } catch (UsageException e) {
            err.println(e.getMessage());
            return 2;
        } catch (OutOfMemoryError e) {
            err.println(outOfMemory(args[0], e, Runtime.getRuntime().maxMemory()));
            if (Boolean.getBoolean("lanes.debug")) e.printStackTrace(err);
            return 1;
        } catch (Exception e) {
            err.println("lanes " + args[0] + ": error: " + oneLine(e));
            if (Boolean.getBoolean("lanes.debug")) e.printStackTrace(err);
            return 1;
        }
    }

    /** The out-of-memory line: what ran out, and the two fixes (a heap twice today's, at least 2 GB; a smaller batch). */
    static String outOfMemory(String command, OutOfMemoryError e, long maxHeapBytes) {
        return "lanes " + command + ": error: out of memory (" + oneLine(e) + "); give Java more heap, e.g. LANES_JAVA_OPTS=-Xmx"
                + Math.max(2, 2 * maxHeapBytes >> 30) + "g, or use a smaller --batch";
    }

    /** The message of {@code e} and of every cause under it that adds something, on one line. */
    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) m = "no such file: " + m;
        // "could not write the checkpoint" is no help without "No space left on device" under it
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            String cm = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (!m.contains(cm)) m += ": " + (c instanceof java.nio.file.NoSuchFileException ? "no such file: " : "") + cm;
        }
        return m.replace('\n', ' ');
    }
}
