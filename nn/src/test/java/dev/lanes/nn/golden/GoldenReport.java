package dev.lanes.nn.golden;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares Lanes tensors with PyTorch's, one line per tensor as llm.c's test_gpt2.c does:
 * {@code OK     conv2d_0 dweight   max|diff| 1.2e-07}. {@link #finish} fails listing every NOT OK tensor.
 */
final class GoldenReport {
    private final String caseName;
    private final float atol, rtol;
    private final PrintStream out;
    private final List<String> bad = new ArrayList<>();

    GoldenReport(String caseName, float atol, float rtol) {
        this(caseName, atol, rtol, System.out);
    }

    /** @param out where the per-tensor lines go (the report's own test keeps its deliberate NOT OKs off stdout) */
    GoldenReport(String caseName, float atol, float rtol, PrintStream out) {
        this.caseName = caseName;
        this.atol = atol;
        this.rtol = rtol;
        this.out = out;
    }

    /** Element-wise |lanes - torch| <= atol + rtol * |torch|; a shape mismatch is NOT OK too. */
    void check(String name, Tensor lanes, Tensor torch) {
        String line;
        if (lanes == null || !lanes.hasShape(torch.shape())) {
            line = String.format("NOT OK %-12s %-22s shape %s but PyTorch has %s", caseName, name,
                    lanes == null ? "null" : Shapes.toString(lanes.shape()), Shapes.toString(torch.shape()));
            bad.add(line);
        } else {
            Tensor t = torch.reshape(lanes.shape());
            boolean ok = lanes.allClose(t, atol, rtol);
            line = String.format("%-6s %-12s %-22s max|diff| %.3g", ok ? "OK" : "NOT OK", caseName, name, lanes.maxAbsDiff(t));
            if (!ok) bad.add(line);
        }
        out.println(line);
    }

    void check(String name, float lanes, float torch) {
        check(name, Tensor.full(lanes), Tensor.full(torch));
    }

    void finish() {
        if (!bad.isEmpty()) fail(bad.size() + " tensor(s) disagree with PyTorch:\n" + String.join("\n", bad));
    }
}
