package dev.lanes.training.cli;

import dev.lanes.engine.Kernels;
import dev.lanes.engine.bench.GemmBenchmark;
import dev.lanes.nn.zoo.Zoo;
import dev.lanes.training.bench.InferenceBenchmark;
import dev.lanes.training.bench.StepBenchmark;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;

/** {@code lanes bench gemm|peak|step|infer}: kernel, FMA peak, training-step and saved-model inference throughput. */
final class BenchCommand {
    static final String HELP = """
            Usage: lanes bench gemm [--n N] [--threads T] [--json]
                   lanes bench peak [--threads T] [--json]
                   lanes bench step [--model NAME] [--batch B] [--threads T] [--steps S] [--json]
                   lanes bench infer MODEL_FILE | --model NAME [--batch B] [--rounds R] [--threads T] [--json]
              gemm   times an NxN SGEMM of the active kernel set (default N 512), median and best GFLOPS
              peak   the fp32 FMA peak of the vector unit as this JVM reaches it (12 independent FMA chains per
                     thread): the ceiling "share of peak" divides by
              step   times full training steps (forward, loss, backward, Adam) of a zoo model on random data
                     after 30 warm-up steps (and >= 4 s) (default lenet5, batch 64, 100 timed steps); median ms/step and GFLOPS
                     (3 x forward FLOPs per step)
              infer  times forward passes of a saved model, or of a fresh zoo model at bench step's input shape
                     (--model), in eval mode on a random batch (default 64) after a 2 s warm-up: images/s,
                     median of R rounds (default 15) of 10 passes
              --threads T   default: available processors
              --json        print one JSON object
              --help        this text
            """;

    private BenchCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws java.io.IOException {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
            if (argv.length == 0) throw new UsageException("lanes bench: missing benchmark name gemm|peak|step|infer (see lanes bench --help)");
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
            case "peak" -> {
                Args a = new Args("lanes bench peak", rest, Set.of("threads"), Set.of("json"), 0);
                if (a.help()) {
                    out.print(HELP);
                    return 0;
                }
                int threads = a.intValue("threads", 1, 1, 1024);
                if (!Kernels.vectorized()) {
                    throw new IllegalArgumentException("lanes bench peak measures the vector unit, but this run uses the scalar kernels: "
                            + "run with --add-modules jdk.incubator.vector (bin/lanes does) and without -Dlanes.kernels=scalar");
                }
                dev.lanes.engine.bench.FmaPeak.Result r;
                try {
                    r = dev.lanes.engine.bench.FmaPeak.run(threads, 5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("lanes bench peak: interrupted", e);
                }
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
            case "infer" -> {
                Args a = new Args("lanes bench infer", rest, Set.of("batch", "rounds", "threads", "model"), Set.of("json"), 1);
                if (a.help()) {
                    out.print(HELP);
                    return 0;
                }
                if (a.positionals().isEmpty() == !a.has("model")) throw a.error("give either MODEL_FILE or --model NAME");
                int batch = a.intValue("batch", 64, 1, 1 << 16);
                int rounds = a.intValue("rounds", 15, 1, 100_000);
                int threads = a.intValue("threads", cpus, 1, 1024);
                java.nio.file.Path file;
                ModelSpec spec;
                dev.lanes.nn.Module model;
                if (a.has("model")) {
                    // a fresh zoo model at the input shape bench step (and the PyTorch reference) uses
                    String name = a.string("model", null);
                    if (!Zoo.names().contains(name) && !name.matches("resnet\\d+|vgg11-w[0-9.]+")) {
                        throw a.error("--model must be one of " + String.join("|", Zoo.names()) + " but is '" + name + "'");
                    }
                    int[] s = StepBenchmark.inputShape(name);
                    spec = new ModelSpec(name, s[0], s[1], s[2], 10, new float[] {0f}, new float[] {1f}, "");
                    model = spec.build(1);
                    file = java.nio.file.Path.of("zoo:" + name);
                } else {
                    file = java.nio.file.Path.of(a.positionals().get(0));
                    spec = ModelSpec.fromMetadata(file, dev.lanes.nn.io.TensorFile.read(file).metadata());
                    model = spec.load(file);
                }
                int previous = dev.lanes.engine.Parallel.threads();
                dev.lanes.engine.Parallel.setThreads(threads);
                InferenceBenchmark.Result r;
                try {
                    r = InferenceBenchmark.run(model, new int[] {spec.channels(), spec.height(), spec.width()}, batch, rounds, 10);
                } finally {
                    dev.lanes.engine.Parallel.setThreads(previous);
                }
                long flops = model.flops(new int[] {1, spec.channels(), spec.height(), spec.width()});
                if (a.flag("json")) {
                    out.println(dev.lanes.training.Json.object().put("benchmark", "infer").put("file", file.toString()).put("model", spec.model())
                            .put("batch", batch).put("threads", threads).put("rounds", rounds).put("images_per_second", r.medianImagesPerSecond())
                            .put("best_images_per_second", r.bestImagesPerSecond()).put("median_ms_per_batch", r.medianMillisPerBatch())
                            .put("flops_per_image", flops).put("gflops", flops * r.medianImagesPerSecond() / 1e9).put("params", model.parameterCount()));
                } else {
                    out.println("infer " + file + " (" + spec.model() + ", " + threads + " threads, " + String.format(java.util.Locale.ROOT, "%,d", flops)
                            + " FLOPs/image): " + r);
                }
            }
            default -> throw new UsageException("lanes bench: unknown benchmark '" + what + "'; use gemm, peak, step or infer (see lanes bench --help)");
        }
        return 0;
    }
}
