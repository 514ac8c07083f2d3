package dev.lanes.training.cli;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.bench.GemmBenchmark;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.bench.StepBenchmark;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;

/** {@code lanes bench gemm|step}: kernel and training-step throughput. */
final class BenchCommand {
    static final String HELP = """
            Usage: lanes bench gemm [--n N] [--threads T] [--json]
                   lanes bench step [--model NAME] [--batch B] [--threads T] [--steps S] [--json]
              gemm   times an NxN SGEMM of the active kernel set (default N 512), median and best GFLOPS
              step   times full training steps (forward, loss, backward, Adam) of a zoo model on random data
                     after 30 warm-up steps (and >= 4 s) (default lenet5, batch 64, 100 timed steps); median ms/step and GFLOPS
                     (3 x forward FLOPs per step)
              --threads T   default: available processors
              --json        print one JSON object
              --help        this text
            """;

    private BenchCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
            if (argv.length == 0) throw new UsageException("lanes bench: missing benchmark name gemm|step (see lanes bench --help)");
            out.print(HELP);
            return 0;
        }
        String what = argv[0];
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        int cpus = dev.lanes.engine.Parallel.threads();
        switch (what) {
            case "gemm" -> {
                Args a = new Args("lanes bench gemm", rest, Set.of("n", "threads"), Set.of("json"), 0);
                if (a.help()) {
                    out.print(HELP);
                    return 0;
                }
                int n = a.intValue("n", 512, 1, 16384);
                int threads = a.intValue("threads", cpus, 1, 1024);
                GemmBenchmark.Result r = GemmBenchmark.run(Kernels.active(), n, threads);
                out.println(a.flag("json") ? r.toJson() : r.toString());
            }
            case "step" -> {
                Args a = new Args("lanes bench step", rest, Set.of("model", "batch", "threads", "steps"), Set.of("json"), 0);
                if (a.help()) {
                    out.print(HELP);
                    return 0;
                }
                String model = a.string("model", "lenet5");
                if (!Zoo.names().contains(model) && !model.matches("resnet\\d+|vgg11-w[0-9.]+")) {
                    throw a.error("--model must be one of " + String.join("|", Zoo.names()) + " but is '" + model + "'");
                }
                int batch = a.intValue("batch", 64, 1, 1 << 16);
                int threads = a.intValue("threads", cpus, 1, 1024);
                int steps = a.intValue("steps", 100, 1, 1_000_000);
                // the same protocol as the PyTorch reference script: 30 warm-up steps, then the timed ones
                StepBenchmark.Result r = StepBenchmark.run(model, batch, threads, 30, steps);
                out.println(a.flag("json") ? r.toJson() : r.toString());
            }
            default -> throw new UsageException("lanes bench: unknown benchmark '" + what + "'; use gemm or step (see lanes bench --help)");
        }
        return 0;
    }
}
