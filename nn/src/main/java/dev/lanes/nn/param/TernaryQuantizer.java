package dev.lanes.nn.param;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.ternary.TernaryCodes;

/**
 * Moves float values onto ternary levels by the rule of Ternary Weight Networks (Li and Liu, 2016), applied
 * to each group of elements that shares a scale (the whole tensor, or each output channel):
 * <pre>
 *   Δ = t · mean |w|                          t = 0.7 in TWN (the threshold factor)
 *   code = +α  if w &gt; Δ,   −α  if w &lt; −Δ,   0 otherwise
 *   α = mean of |w| over the elements with |w| &gt; Δ      (1 when there are none, e.g. all zero)
 * </pre>
 * Sums run in double, in element order, so the same values always give the same codes and scales. The
 * input is only read: the result is new storage, and nothing keeps the float values.
 */
public final class TernaryQuantizer {
    /** TWN's threshold factor. */
    public static final float TWN_THRESHOLD = 0.7f;

    private TernaryQuantizer() {}

    /** Packed storage of {@code values} (any tensor; only its values are read). Non-finite values are refused naming the index. */
    public static TernaryStorage quantize(Tensor values, Granularity granularity, float thresholdFactor) {
        if (!(thresholdFactor >= 0f) || Float.isInfinite(thresholdFactor)) {
            throw new IllegalArgumentException("ternary threshold factor must be finite and >= 0 but is " + thresholdFactor);
        }
        int[] shape = values.shape();
        int n = values.size(), per = granularity.codesPerScale(shape), groups = granularity.scaleCount(shape);
        float[] w = values.data();
        int off = values.offset();
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(w[off + i])) {
                throw new IllegalArgumentException("cannot make ternary a tensor " + Shapes.toString(shape) + " whose element "
                        + i + " is " + w[off + i]);
            }
        }
        float[] scales = new float[groups];
        int[] words = new int[TernaryCodes.words(n)];
        for (int g = 0; g < groups; g++) {
            int from = g * per, to = from + per;
            double sumAbs = 0;
            for (int i = from; i < to; i++) sumAbs += Math.abs(w[off + i]);
            double delta = per == 0 ? 0 : thresholdFactor * (sumAbs / per);
            double kept = 0;
            int count = 0;
            for (int i = from; i < to; i++) {
                float v = w[off + i];
                int code = TernaryCodes.ZERO;
                if (Math.abs(v) > delta) {
                    code = v > 0 ? TernaryCodes.PLUS : TernaryCodes.MINUS;
                    kept += Math.abs(v);
                    count++;
                }
                TernaryCodes.set(words, i, code);
            }
            scales[g] = count == 0 ? 1f : (float) (kept / count);
        }
        return TernaryStorage.trusted(shape, granularity, scales, words);
    }
}
