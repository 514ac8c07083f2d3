package dev.lanes.nn.golden;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.TensorFile;
import dev.lanes.nn.layers.AvgPool2d;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.DistillationLoss;
import dev.lanes.nn.layers.GlobalAvgPool;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.MaxPool2d;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Adam;
import dev.lanes.nn.optim.AdamW;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.optim.Sgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Lanes against PyTorch on the committed cases in testdata/golden (made by tools/golden/make_golden.py; this
 * test needs no Python). Each case holds inputs, parameters, an upstream gradient dy, and PyTorch's outputs,
 * gradients and post-step parameters; every tensor is compared and reported OK / NOT OK.
 */
class GoldenTest {
    private static final float ATOL = 1e-5f, RTOL = 1e-4f;

    private static Path golden(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("testdata/golden").resolve(name + ".lanes");
            if (Files.exists(p)) return p;
        }
        throw new IllegalStateException("testdata/golden/" + name + ".lanes not found above " + Path.of("").toAbsolutePath());
    }

    private static TensorFile.Contents read(String name) throws IOException {
        return TensorFile.read(golden(name));
    }

    private static int meta(TensorFile.Contents c, String key) { return Integer.parseInt(c.metadata().get(key)); }

    private static float metaF(TensorFile.Contents c, String key) { return Float.parseFloat(c.metadata().get(key)); }

    /**
     * The golden files were made when BatchNorm's entries were named gamma, beta, runningMean and runningVar
     * (the model file loader translates them; these lookups do the same for the test's own entries).
     */
    private static Tensor tensor(TensorFile.Contents c, String name) {
        if (c.tensors().containsKey(name) || c.parameters().containsKey(name) || c.buffers().containsKey(name)) return c.tensor(name);
        String[][] renames = {{"weight", "gamma"}, {"bias", "beta"}, {"running_mean", "runningMean"}, {"running_var", "runningVar"}};
        for (String[] r : renames) {
            if (name.endsWith(r[0])) return c.tensor(name.substring(0, name.length() - r[0].length()) + r[1]);
        }
        return c.tensor(name);
    }

    /** Copies "x"'s parameters in, runs forward on x and backward on dy, and checks y, dx and every d<param>. */
    private static void layerCase(String name, Module m, TensorFile.Contents c) {
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            e.getValue().value().copyFrom(tensor(c, e.getKey()));
            e.getValue().zeroGrad();
        }
        GoldenReport r = new GoldenReport(name, ATOL, RTOL);
        Tensor x = c.tensor("x");
        r.check("y", m.forward(x), c.tensor("y"));
        r.check("dx", m.backward(c.tensor("dy"), true), c.tensor("dx"));
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            r.check("d" + e.getKey(), e.getValue().grad(), tensor(c, "d" + e.getKey()));
        }
        r.finish();
    }

    @Test
    void conv2d() throws IOException {
        for (int i = 0; i < 4; i++) {
            TensorFile.Contents c = read("conv2d_" + i);
            Conv2d conv = new Conv2d(meta(c, "in"), meta(c, "out"), meta(c, "kernel"), meta(c, "stride"), meta(c, "padding"),
                    Boolean.parseBoolean(c.metadata().get("bias")));
            layerCase("conv2d_" + i, conv, c);
        }
    }

    /** groups=2 and depthwise (groups = channels): y, dx, dweight (and dbias) against PyTorch's groups argument. */
    @Test
    void groupedConv2d() throws IOException {
        for (int i = 0; i < 2; i++) {
            TensorFile.Contents c = read("conv2d_grouped_" + i);
            int k = meta(c, "kernel"), s = meta(c, "stride"), p = meta(c, "padding");
            Conv2d conv = new Conv2d(meta(c, "in"), meta(c, "out"), k, k, s, s, p, p, Boolean.parseBoolean(c.metadata().get("bias")), meta(c, "groups"));
            assertTrue(conv.groups() > 1 && c.tensor("weight").shape()[1] == meta(c, "in") / meta(c, "groups"), "a grouped weight");
            layerCase("conv2d_grouped_" + i, conv, c);
        }
    }

    @Test
    void batchNorm2dTraining() throws IOException {
        TensorFile.Contents c = read("batchnorm2d");
        BatchNorm2d bn = new BatchNorm2d(meta(c, "channels"), metaF(c, "momentum"), metaF(c, "eps"));
        bn.runningMean().copyFrom(c.tensor("runningMean.before"));
        bn.runningVar().copyFrom(c.tensor("runningVar.before"));
        bn.train();
        layerCase("batchnorm2d", bn, c);
        GoldenReport r = new GoldenReport("batchnorm2d", ATOL, RTOL);
        r.check("runningMean", bn.runningMean(), c.tensor("runningMean.after"));
        r.check("runningVar", bn.runningVar(), c.tensor("runningVar.after"));
        r.finish();
    }

    @Test
    void linear() throws IOException {
        TensorFile.Contents c = read("linear");
        layerCase("linear", new Linear(meta(c, "in"), meta(c, "out")), c);
    }

    @Test
    void pooling() throws IOException {
        for (String name : List.of("maxpool_0", "maxpool_1", "avgpool_2", "avgpool_3")) {
            TensorFile.Contents c = read(name);
            int k = meta(c, "kernel"), s = meta(c, "stride"), p = meta(c, "padding");
            layerCase(name, name.startsWith("max") ? new MaxPool2d(k, s, p) : new AvgPool2d(k, s, p), c);
        }
    }

    @Test
    void softmaxCrossEntropy() throws IOException {
        for (String name : List.of("softmax_ce_0", "softmax_ce_1")) {
            TensorFile.Contents c = read(name);
            SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(metaF(c, "smoothing"));
            GoldenReport r = new GoldenReport(name, ATOL, RTOL);
            r.check("loss", ce.forward(c.tensor("logits"), labels(c.tensor("labels"))), c.tensor("loss").get());
            r.check("dlogits", ce.backward(), c.tensor("dlogits"));
            r.finish();
        }
    }

    @Test
    void distillationLoss() throws IOException {
        for (String name : List.of("distillation_0", "distillation_1")) {
            TensorFile.Contents c = read(name);
            DistillationLoss kd = new DistillationLoss(metaF(c, "temperature"), metaF(c, "alpha"));
            Tensor teacher = c.tensor("teacher");
            GoldenReport r = new GoldenReport(name, ATOL, RTOL);
            r.check("loss", kd.forward(c.tensor("logits"), teacher.data(), teacher.offset(), labels(c.tensor("labels")), 0), c.tensor("loss").get());
            r.check("dlogits", kd.backward(), c.tensor("dlogits"));
            r.finish();
        }
    }

    @Test
    void smallCnnForwardBackwardAndSgdStep() throws IOException {
        Path file = golden("small_cnn");
        Sequential net = new Sequential(new Conv2d(1, 4, 3, 1, 1, true), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 6, 3, 2, 1, false), new BatchNorm2d(6), new ReLU(), new GlobalAvgPool(), new Linear(6, 5));
        TensorFile.Contents c = ModelFile.load(file, net); // PyTorch's parameters and buffers, by Lanes' names
        net.train();
        for (Parameter p : net.parameters()) p.zeroGrad();
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(metaF(c, "smoothing"));
        GoldenReport r = new GoldenReport("small_cnn", 1e-6f, RTOL); // gradients here are ~1e-2: a tighter atol
        Tensor logits = net.forward(c.tensor("x"));
        r.check("logits", logits, c.tensor("logits"));
        r.check("loss", ce.forward(logits, labels(c.tensor("labels"))), c.tensor("loss").get());
        net.backward(ce.backward(), false);
        Map<String, Parameter> params = net.namedParameters();
        assertTrue(params.size() == 9, "the net should have 9 parameters but has " + params.keySet());
        for (Map.Entry<String, Parameter> e : params.entrySet()) r.check("grad." + e.getKey(), e.getValue().grad(), tensor(c, "grad." + e.getKey()));
        for (Map.Entry<String, Tensor> e : net.namedBuffers().entrySet()) r.check("after." + e.getKey(), e.getValue(), tensor(c, "after." + e.getKey()));
        new Sgd(net.parameters(), metaF(c, "lr"), metaF(c, "momentum"), metaF(c, "weight_decay"),
                Boolean.parseBoolean(c.metadata().get("nesterov"))).step();
        for (Map.Entry<String, Parameter> e : params.entrySet()) r.check("after." + e.getKey(), e.getValue().value(), tensor(c, "after." + e.getKey()));
        r.finish();
    }

    @Test
    void optimizersThreeSteps() throws IOException {
        for (String name : List.of("optim_sgd", "optim_adam", "optim_adamw")) {
            TensorFile.Contents c = read(name);
            Parameter w = new Parameter("w", c.tensor("w.0").shape());
            w.value().copyFrom(c.tensor("w.0"));
            float lr = metaF(c, "lr"), wd = metaF(c, "weight_decay");
            Optimizer opt = switch (name) {
                case "optim_sgd" -> new Sgd(List.of(w), lr, metaF(c, "momentum"), wd, Boolean.parseBoolean(c.metadata().get("nesterov")));
                case "optim_adam" -> new Adam(List.of(w), lr, metaF(c, "beta1"), metaF(c, "beta2"), metaF(c, "eps"), wd);
                default -> new AdamW(List.of(w), lr, metaF(c, "beta1"), metaF(c, "beta2"), metaF(c, "eps"), wd);
            };
            GoldenReport r = new GoldenReport(name, 1e-6f, 1e-5f);
            for (int step = 1; step <= meta(c, "steps"); step++) {
                w.grad().copyFrom(c.tensor("grad." + step));
                opt.step();
                r.check("w." + step, w.value(), c.tensor("w." + step));
            }
            r.finish();
        }
    }

    @Test
    void reportFailsNamingTheTensorThatDisagrees() {
        var printed = new java.io.ByteArrayOutputStream();
        GoldenReport r = new GoldenReport("selftest", ATOL, RTOL, new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        r.check("fine", Tensor.full(1f, 3), Tensor.full(1f, 3));
        r.check("off", Tensor.full(1f, 3), Tensor.full(1.001f, 3));
        r.check("shape", Tensor.zeros(2), Tensor.zeros(3));
        var e = assertThrows(AssertionFailedError.class, r::finish);
        assertTrue(e.getMessage().contains("2 tensor(s)") && e.getMessage().contains("NOT OK selftest     off")
                && e.getMessage().contains("shape [2] but PyTorch has [3]") && !e.getMessage().contains("fine"), e.getMessage());
        String lines = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(lines.startsWith("OK     selftest     fine") && lines.lines().count() == 3, lines);
    }

    private static int[] labels(Tensor t) {
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) t.data()[t.offset() + i];
        return out;
    }
}
