package dev.lanes.nn.optim;

import dev.lanes.engine.Kernels;
import dev.lanes.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gradient-norm clipping with the semantics of PyTorch's {@code torch.nn.utils.clip_grad_norm_} (2-norm):
 * <pre>
 *   norm = sqrt(Σ over parameters Σ over elements g²)      total 2-norm over every gradient
 *   c    = maxNorm / (norm + 1e-6)
 *   g   *= c    for every gradient, when c &lt; 1              (PyTorch multiplies by min(c, 1))
 * </pre>
 * returning the norm before clipping. Frozen parameters have no gradient (PyTorch's {@code grad} is None) and
 * are left out; packed ones are included, since their gradients feed the constrained method. Each gradient's
 * sum of squares comes from the element-wise kernel (fixed order), and they are added in double in
 * parameter order, so the same gradients give the same bits. A non-finite gradient is refused naming the
 * parameter and element, as PyTorch does with {@code error_if_nonfinite=True}: clipping it would silently
 * turn every gradient into NaN. The list forms allocate nothing.
 */
public final class GradClip {
    /** PyTorch's guard against division by zero. */
    public static final double EPS = 1e-6;

    private GradClip() {}

    /** Clips the gradients of {@code params} to total norm {@code maxNorm} (≥ 0; +∞ never clips); returns the norm before. */
    public static float clipNorm(List<Parameter> params, float maxNorm) {
        return clip(params, null, maxNorm);
    }

    /** As {@link #clipNorm(List, float)}, naming a non-finite gradient by its path. */
    public static float clipNorm(Map<String, Parameter> params, float maxNorm) {
        return clip(new ArrayList<>(params.values()), new ArrayList<>(params.keySet()), maxNorm);
    }

    /** The total 2-norm of the gradients of the trainable parameters in {@code params}. */
    public static float norm(List<Parameter> params) {
        return (float) Math.sqrt(sumOfSquares(params, null));
    }

    private static float clip(List<Parameter> params, List<String> paths, float maxNorm) {
        if (!(maxNorm >= 0f)) throw new IllegalArgumentException("gradient clipping: max norm must be >= 0 but is " + maxNorm);
        double norm = Math.sqrt(sumOfSquares(params, paths));
        double coef = maxNorm / (norm + EPS);
        if (coef < 1) {
            float c = (float) coef;
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                if (p.trainable()) Kernels.elementwise().scale(c, p.grad().data(), 0, p.size());
            }
        }
        return (float) norm;
    }

    private static double sumOfSquares(List<Parameter> params, List<String> paths) {
        double total = 0;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!p.trainable()) continue;
            float[] g = p.grad().data();
            float ss = Kernels.elementwise().sumOfSquares(g, 0, p.size());
            if (Float.isInfinite(ss) || Float.isNaN(ss)) ss = Float.NaN; // re-examined below
            total += Float.isNaN(ss) ? slowSumOfSquares(g, p, i, paths) : ss;
        }
        return total;
    }

    /** A sum that overflowed float (or met a non-finite value): find the culprit, or sum in double. */
    private static double slowSumOfSquares(float[] g, Parameter p, int index, List<String> paths) {
        double s = 0;
        for (int k = 0; k < g.length; k++) {
            if (!Float.isFinite(g[k])) {
                String name = paths != null ? "\"" + paths.get(index) + "\"" : index + " (" + p.name() + ")";
                throw new IllegalArgumentException("gradient clipping: the gradient of parameter " + name + " is " + g[k]
                        + " at element " + k + "; a non-finite gradient cannot be clipped");
            }
            s += (double) g[k] * g[k];
        }
        return s;
    }
}
