package dev.lanes.nn.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Central finite differences against a module's hand-written backward, accurate enough in float: the loss is
 * L = Σ y·r for a fixed random r, summed in double, so dL/dy = r and the only float error is in y itself.
 *
 * <p>Near a ReLU or max-pool kink the central difference averages two slopes. Such a coordinate (seen as
 * unequal one-sided differences) still passes when the gradient matches the one-sided difference of the
 * kink-free side, which is exactly the derivative at the point; at most half the coordinates may pass that
 * way. In whole deep networks a step can cross kinks on both sides; callers may tolerate a few such
 * unexplained outliers ({@link #outliers}), never for a single smooth layer.
 */
final class GradCheck {
    final double h, rtol, atol, floor;
    int maxOutliers;
    int samplesPerTensor = 40;
    boolean needDx = true;

    /**
     * A coordinate passes when |backward − difference| <= rtol·max(|both|) + atol·max|gradient of the
     * tensor| + floor: relative error, plus room for cancellation in small entries and for float noise.
     */
    GradCheck(double h, double rtol, double atol, double floor) {
        this.h = h;
        this.rtol = rtol;
        this.atol = atol;
        this.floor = floor;
    }

    GradCheck(double h, double rtol, double atol) {
        this(h, rtol, atol, atol);
    }

    GradCheck outliers(int maxOutliers) {
        this.maxOutliers = maxOutliers;
        return this;
    }

    /**
     * A copy that asks backward for dx (then checks it) or not (then backward must return null and the
     * parameters are still checked).
     */
    GradCheck needDx(boolean needDx) {
        GradCheck c = new GradCheck(h, rtol, atol, floor);
        c.maxOutliers = maxOutliers;
        c.samplesPerTensor = samplesPerTensor;
        c.needDx = needDx;
        return c;
    }

    GradCheck samples(int n) {
        this.samplesPerTensor = n;
        return this;
    }

    static Tensor uniform(SplittableRandom rng, double bound, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        return t;
    }

    static double dot(Tensor y, Tensor r) {
        double s = 0;
        for (int i = 0; i < y.size(); i++) s += (double) y.data()[y.offset() + i] * r.data()[r.offset() + i];
        return s;
    }

    /**
     * Runs forward and backward of {@code m} at {@code x} with dL/dy = r, then checks dx (when the module
     * returns one) and the gradient of every trainable parameter by finite differences. Frozen parameters
     * must keep a zero gradient.
     *
     * <p>A point where more than half the coordinates sit at a kink says little: one pre-activation within a
     * step of zero does that in a BN block, where every coordinate moves every output. Such a point is
     * redrawn (the input jittered by up to ±0.05, at most twice); a failed coordinate is never redrawn.
     */
    void checkModule(Module m, Tensor x, SplittableRandom rng, Runnable beforeForward) {
        Tensor at = x;
        for (int draw = 0; ; draw++) {
            String degenerate = checkAt(m, at, rng, beforeForward);
            if (degenerate == null) return;
            if (draw == 2) fail(degenerate + " (after " + draw + " redraws of the input)");
            at = jittered(x, rng);
        }
    }

    private static Tensor jittered(Tensor x, SplittableRandom rng) {
        Tensor j = x.copy();
        float[] d = j.data();
        for (int i = 0; i < j.size(); i++) d[j.offset() + i] += (float) ((2 * rng.nextDouble() - 1) * 0.05);
        return j;
    }

    /** Checks at one point: fails on a wrong coordinate, returns why the point is degenerate, or null. */
    private String checkAt(Module m, Tensor x, SplittableRandom rng, Runnable beforeForward) {
        Tensor y = m.forward(x);
        Tensor r = uniform(rng, 1, y.shape());
        for (Parameter p : m.parameters()) p.zeroGrad();
        beforeForward.run();
        y = m.forward(x);
        Tensor dxOut = m.backward(r, needDx);
        Tensor dx = dxOut == null ? null : dxOut.copy();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> grads.put(name, p.grad().copy()));
        DoubleSupplier loss = () -> {
            beforeForward.run();
            return dot(m.forward(x), r);
        };
        List<String> failures = new ArrayList<>();
        int[] counts = {0, 0}; // coordinates checked, passed at a kink
        if (!needDx) assertTrue(dx == null, m.describe() + ": backward returned dx although not asked for it");
        if (needDx) {
            assertTrue(dx != null, m.describe() + ": backward returned null although asked for dx");
            compare("dx", x, dx, loss, rng, failures, counts);
        }
        m.namedParameters().forEach((name, p) -> {
            if (p.trainable()) {
                compare(name, p.value(), grads.get(name), loss, rng, failures, counts);
            } else {
                Tensor g = grads.get(name);
                for (int i = 0; i < g.size(); i++) {
                    if (g.data()[i] != 0f) fail(m.describe() + ": " + name + " is frozen but has gradient " + g.data()[i] + " at " + i);
                }
            }
        });
        String summary = m.describe() + " at input " + dev.lanes.engine.Shapes.toString(x.shape()) + ": " + counts[0] + " coordinates checked, "
                + counts[1] + " at kinks, " + failures.size() + " failed (allowed " + maxOutliers + ")";
        if (failures.size() > maxOutliers) fail(summary + ":\n  " + String.join("\n  ", failures));
        return 2 * counts[1] > counts[0] ? summary : null;
    }

    void checkModule(Module m, Tensor x, SplittableRandom rng) {
        checkModule(m, x, rng, () -> { });
    }

    /**
     * Checks {@code analytic} against finite differences of {@code loss} in the entries of {@code value}.
     * When the central difference disagrees, the one-sided differences tell a kink from a wrong gradient: if
     * they differ from each other, a non-differentiable point lies within one step, and the gradient must
     * then match the one-sided difference on the kink-free side. A coordinate that fails both ways is tried
     * again with a quarter and then a sixteenth of the step (kinks on both sides of one step are common in
     * BN + ReLU nets, where every coordinate moves every pre-activation; within a smaller step rare), at a floor
     * raised in proportion for the float noise of the smaller step.
     */
    void compare(String what, Tensor value, Tensor analytic, DoubleSupplier loss, SplittableRandom rng,
                 List<String> failures, int[] counts) {
        int n = value.size();
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(analytic.data()[analytic.offset() + i]));
        int count = Math.min(n, samplesPerTensor);
        for (int s = 0; s < count; s++) {
            int i = n <= samplesPerTensor ? s : rng.nextInt(n);
            double an = analytic.data()[analytic.offset() + i];
            counts[0]++;
            String verdict = verdict(value, i, an, scale, loss, h);
            // a kink can lie within one step on both sides; a smaller step rarely has one, at more float noise
            for (int shrink = 4; shrink <= 16 && verdict != null && !verdict.startsWith(KINK); shrink *= 4) {
                String retry = verdict(value, i, an, scale, loss, h / shrink);
                verdict = retry == null || retry.equals(KINK) ? retry : verdict + "; at step h/" + shrink + ": " + retry;
            }
            if (KINK.equals(verdict)) counts[1]++;
            else if (verdict != null) failures.add(what + "[" + i + "]: " + verdict);
        }
    }

    private static final String KINK = "kink";

    /**
     * Null when the gradient matches the central difference with this step, {@link #KINK} when it matches the
     * kink-free one-sided difference, else the disagreement.
     */
    private String verdict(Tensor value, int i, double an, double scale, DoubleSupplier loss, double step) {
        double[] f = evaluate(value, i, loss, step); // f(w - h), f(w), f(w + h) and the steps taken
        double central = (f[2] - f[0]) / (f[4] + f[3]);
        double tol = rtol * Math.max(Math.abs(an), Math.abs(central)) + atol * scale + floor * h / step;
        if (Math.abs(an - central) <= tol) return null;
        double back = (f[1] - f[0]) / f[3], fwd = (f[2] - f[1]) / f[4];
        double sideTol = 2 * tol; // one-sided differences carry an O(h) truncation error
        if (Math.abs(fwd - back) > sideTol && (Math.abs(an - fwd) <= sideTol || Math.abs(an - back) <= sideTol)) return KINK;
        return "backward " + an + " vs finite difference " + central + " (one-sided " + back + ", " + fwd + "; tolerance " + tol + ")";
    }

    /** {f(w − h), f(w), f(w + h), float step below, float step above} at entry i. */
    private double[] evaluate(Tensor value, int i, DoubleSupplier loss, double h) {
        float[] d = value.data();
        int at = value.offset() + i;
        float saved = d[at];
        float up = (float) (saved + h), down = (float) (saved - h);
        d[at] = down;
        double minus = loss.getAsDouble();
        d[at] = saved;
        double mid = loss.getAsDouble();
        d[at] = up;
        double plus = loss.getAsDouble();
        d[at] = saved;
        // the float steps actually taken, not the nominal one
        return new double[]{minus, mid, plus, (double) saved - down, (double) up - saved};
    }
}
