package dev.lanes.training.experiment;

import dev.lanes.nn.arch.JsonText;
import dev.lanes.training.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code lanes report}: every claim of every stored experiment result, one row each (method, paper, the paper's
 * claim, what Lanes measured, holds or not, the command that made it), plus a "not run" row for each method
 * experiment without a result. Results are {@code results.json} files as {@code lanes experiment} writes them,
 * found as {@code DIR/*.json} or {@code DIR/* /results.json}.
 */
public final class ClaimsReport {
    /**
     * One row; {@code holds} is null for a check whose precondition was not met ("n/a") and for an experiment
     * with no stored result ({@code run} false).
     */
    public record Row(String method, String paper, String claim, String measured, Boolean holds, boolean run, String command, String source) {
        Json toJson() {
            return Json.object().put("method", method).put("paper", paper).put("claim", claim).put("measured", measured)
                    .put("holds", holds).put("run", run).put("command", command).put("source", source);
        }

        public String verdict() { return !run ? "not run" : holds == null ? "n/a" : holds ? "yes" : "**no**"; }
    }

    private final List<Row> rows;

    private ClaimsReport(List<Row> rows) { this.rows = List.copyOf(rows); }

    public List<Row> rows() { return rows; }

    /**
     * The rows of every result in {@code dir}, then one "not run" row for each of {@code methodExperiments} that
     * has none, with the command that would make it ({@code dataHint} is the {@code --data} it names).
     */
    public static ClaimsReport read(Path dir, List<String> methodExperiments, String dataHint) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("results folder " + dir + " does not exist or is not a folder");
        List<Row> rows = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Path f : resultFiles(dir)) {
            Map<String, Object> r = object(f);
            String experiment = string(r, "experiment", f);
            seen.add(experiment);
            // the runner's experiments write "claims" (with "paper"); the sparsity experiment "checks" (with "source")
            Object claims = r.containsKey("claims") ? r.get("claims") : r.get("checks");
            if (!(claims instanceof List<?> cs)) throw new IOException(f + ": neither \"claims\" nor \"checks\" is an array");
            String label = label(experiment, f);
            String command = r.get("command") instanceof String c ? c : reconstructed(experiment, r);
            for (Object c : cs) {
                if (!(c instanceof Map<?, ?> m)) throw new IOException(f + ": a claim is not an object");
                Object holds = m.get("holds");
                if (holds != null && !(holds instanceof Boolean)) throw new IOException(f + ": a claim's \"holds\" is not true, false or null");
                String paper = text(m.containsKey("paper") ? m.get("paper") : m.get("source"));
                rows.add(new Row(label, paper, text(m.get("claim")), text(m.get("measured")), (Boolean) holds, true,
                        command, dir.relativize(f).toString()));
            }
        }
        for (String e : methodExperiments) {
            if (!seen.contains(e)) rows.add(new Row(e, "", "", "no stored result", null, false,
                    "bin/lanes experiment " + e + " --data " + dataHint + " --out runs/experiment-" + e, ""));
        }
        return new ClaimsReport(rows);
    }

    /** A markdown table, the README's results section. */
    public String table() {
        StringBuilder b = new StringBuilder("| method | paper | claim | measured here | holds | command |\n|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | `%s` |%n", cell(r.method()), cell(r.paper()), cell(r.claim()),
                    cell(r.measured()), r.verdict(), r.command()));
        }
        long held = rows.stream().filter(r -> Boolean.TRUE.equals(r.holds())).count();
        long failed = rows.stream().filter(r -> Boolean.FALSE.equals(r.holds())).count();
        long notApplicable = rows.stream().filter(r -> r.run() && r.holds() == null).count();
        long notRun = rows.stream().filter(r -> !r.run()).count();
        b.append(String.format(Locale.ROOT, "%n%d claims hold, %d do not, %d not applicable; %d experiments have no stored result.%n",
                held, failed, notApplicable, notRun));
        return b.toString();
    }

    /** {@code {"rows": [{"method", "paper", "claim", "measured", "holds", "run", "command", "source"}]}}. */
    public Json toJson() {
        List<Object> rs = new ArrayList<>();
        for (Row r : rows) rs.add(r.toJson());
        return Json.object().put("rows", rs);
    }

    private static List<Path> resultFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")) files.add(p);
                else if (Files.isRegularFile(p.resolve("results.json"))) files.add(p.resolve("results.json"));
            }
        }
        return files;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Path f) throws IOException {
        Object v;
        try {
            v = JsonText.parse(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(f + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(v instanceof Map<?, ?>)) throw new IOException(f + " holds no JSON object");
        return (Map<String, Object>) v;
    }

    private static String string(Map<String, Object> r, String key, Path f) throws IOException {
        if (!(r.get(key) instanceof String s)) throw new IOException(f + ": \"" + key + "\" is missing or not a string");
        return s;
    }

    /** The experiment's name, with the file's name when it is a variant (results/freeze-resnet20.json: "freeze (resnet20)"). */
    private static String label(String experiment, Path f) {
        String stem = f.getFileName().toString().equals("results.json") ? f.getParent().getFileName().toString()
                : f.getFileName().toString().replaceFirst("\\.json$", "");
        String variant = stem.startsWith(experiment + "-") ? stem.substring(experiment.length() + 1) : stem;
        return variant.equals(experiment) || variant.equals("experiment-" + experiment) ? experiment : experiment + " (" + variant + ")";
    }

    /** For results written before they recorded their command: the options they did record, marked as such. */
    private static String reconstructed(String experiment, Map<String, Object> r) {
        StringBuilder b = new StringBuilder("bin/lanes experiment ").append(experiment);
        if (r.get("model") instanceof String m) b.append(" --model ").append(m);
        if (r.get("data") instanceof String d) b.append(" --data ").append(shortData(d));
        if (r.get("seeds") instanceof Double s) b.append(" --seeds ").append(s.intValue());
        if (r.get("options") instanceof Map<?, ?> o) {
            for (String k : List.of("epochs", "limit", "batch", "lr", "threads")) {
                if (o.get(k) instanceof Double v) b.append(" --").append(k).append(' ').append(number(v));
            }
        }
        return b.append(" (reconstructed from the recorded options)").toString();
    }

    /** ".../shared/datasets/NAME" as the README writes it, "../shared/datasets/NAME"; other paths as they are. */
    public static String shortData(String path) {
        int i = path.indexOf("/shared/datasets/");
        return i < 0 ? path : ".." + path.substring(i);
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String text(Object o) { return o == null ? "" : o.toString(); }

    private static String cell(String s) { return s.replace("|", "\\|").replace("\n", " "); }
}
