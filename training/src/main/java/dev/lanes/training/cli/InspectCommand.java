package dev.lanes.training.cli;

import dev.lanes.engine.Shapes;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.TensorFile;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.training.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code lanes inspect MODEL_FILE}: per layer its kind, output shape, parameters and FLOPs for one image. */
final class InspectCommand {
    static final String HELP = """
            Usage: lanes inspect MODEL_FILE [--json]
                   lanes inspect MODEL_FILE --sparsity [--data DIR] [--limit N] [--batch B] [--json]
              Lists the layers of the model recorded in MODEL_FILE with their output shapes, parameter counts
              and forward FLOPs for one input image (a multiply-add counts 2). Nested sequences are expanded;
              a residual block is one row.
              --sparsity  instead: per conv-BN-ReLU layer the filters dead over the training split (max
                          activation after BN+ReLU below 1e-12, eval mode; |γ| below 1e-3), the |γ|
                          histogram and feature selectivity (Mehta et al. 2019); and per channel group the
                          channels dead at all its ReLUs, which lanes prune removes
              --data DIR  data folder (default: the one the model was trained on if it exists, else the bundled MNIST)
              --limit N   analyse the first N training images only (default all)
              --batch B   batch size of the analysis (default 256)
              --json      print one JSON object
              --help      this text
            """;

    private InspectCommand() {}

    record Row(String path, String layer, int[] output, long params, long flops) {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        Args a = new Args("lanes inspect", argv, Set.of("data", "limit", "batch"), Set.of("json", "sparsity"), 1);
        if (a.help()) {
            out.print(HELP);
            return 0;
        }
        if (a.positionals().isEmpty()) throw a.error("missing MODEL_FILE");
        Path file = Path.of(a.positionals().get(0));
        TensorFile.Contents contents = TensorFile.read(file);
        ModelSpec spec = ModelSpec.fromMetadata(file, contents.metadata());
        Module model = spec.load(file);
        if (a.flag("sparsity")) return SparsityInspect.run(a, file, spec, model, out);
        if (a.has("data") || a.has("limit") || a.has("batch")) throw a.error("--data, --limit and --batch go with --sparsity");
        int[] input = {1, spec.channels(), spec.height(), spec.width()};
        List<Row> rows = new ArrayList<>();
        rows(model, "", input, rows);
        long params = model.parameterCount(), flops = model.flops(input);
        if (a.flag("json")) {
            List<Object> layers = new ArrayList<>();
            for (Row r : rows) {
                layers.add(Json.object().put("name", r.path()).put("layer", r.layer()).put("output_shape", r.output())
                        .put("params", r.params()).put("flops", r.flops()));
            }
            out.println(Json.object().put("model", spec.model()).put("input_shape", input).put("params", params)
                    .put("flops", flops).put("layers", layers));
            return 0;
        }
        out.printf(Locale.ROOT, "%s: %s, input %s, %,d parameters, %.3f MFLOPs per image%n", file, spec.model(),
                Shapes.toString(input), params, flops / 1e6);
        int w = 8, lw = 8;
        for (Row r : rows) {
            w = Math.max(w, r.path().length());
            lw = Math.max(lw, r.layer().length());
        }
        String fmt = "%-" + w + "s  %-" + lw + "s  %-18s  %12s  %14s%n";
        out.printf(Locale.ROOT, fmt, "name", "layer", "output", "params", "FLOPs");
        for (Row r : rows) {
            out.printf(Locale.ROOT, fmt, r.path(), r.layer(), Shapes.toString(r.output()), String.format(Locale.ROOT, "%,d", r.params()),
                    String.format(Locale.ROOT, "%,d", r.flops()));
        }
        out.printf(Locale.ROOT, fmt, "total", "", Shapes.toString(model.outputShape(input)), String.format(Locale.ROOT, "%,d", params),
                String.format(Locale.ROOT, "%,d", flops));
        return 0;
    }

    /** Expands Sequentials (whose children are chained); any other module is one row. Returns the output shape. */
    private static int[] rows(Module m, String path, int[] input, List<Row> out) {
        if (m instanceof Sequential s) {
            int[] shape = input;
            List<String> names = s.childNames();
            for (int i = 0; i < s.size(); i++) shape = rows(s.get(i), path.isEmpty() ? names.get(i) : path + "." + names.get(i), shape, out);
            return shape;
        }
        int[] output = m.outputShape(input);
        long params = 0;
        for (Parameter p : m.parameters()) params += p.size();
        out.add(new Row(path, m.describe(), output, params, m.flops(input)));
        return output;
    }
}
