package dev.lanes.training.cli;

import dev.lanes.nn.Module;
import dev.lanes.training.Json;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import dev.lanes.training.sparsity.SparsityAnalysis;
import dev.lanes.training.sparsity.SparsityReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** {@code lanes inspect MODEL --sparsity}: the filter-sparsity table of a saved model over its training split. */
final class SparsityInspect {
    private SparsityInspect() {}

    static int run(Args a, Path file, ModelSpec spec, Module model, PrintStream out) throws IOException {
        ModelData data = ModelData.resolve(a, file, spec);
        int limit = a.intValue("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        int batch = a.intValue("batch", 256, 1, 1 << 16);
        Dataset train = data.train(limit);
        long t0 = System.nanoTime();
        SparsityReport r;
        try (DataLoader loader = data.loader(train, batch)) {
            r = SparsityAnalysis.over(model, loader);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (a.flag("json")) {
            Json j = Json.object().put("model", spec.model()).put("file", file.toString()).put("data", data.dir().toString()).put("split", "train");
            r.toJson().fields().forEach(j::put);
            out.println(j.put("seconds", seconds));
        } else {
            out.printf(java.util.Locale.ROOT, "%s (%s): filter sparsity over %d training images of %s (%.1f s)%n", file, spec.model(), train.size(),
                    data.dir(), seconds);
            out.print(r.table());
        }
        return 0;
    }
}
