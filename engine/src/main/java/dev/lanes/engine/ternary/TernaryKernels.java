package dev.lanes.engine.ternary;

import dev.lanes.engine.conv.ConvShape;

/**
 * Products whose weights are packed ternary codes ({@link TernaryCodes}: 0 → −α, 1 → 0, 2 → +α) times a
 * scale α, one per tensor or one per output row (channel): the inputs under each weight are added or
 * subtracted, and each output is multiplied by its scale once. W is [M rows × K], code (i, p) at index
 * {@code i*K + p} of {@code codes} (a conv weight [K, C, kh, kw] or a linear weight [out, in] as stored).
 * {@code scales} holds M scales when {@code perRow}, else one. A null {@code bias} adds nothing.
 *
 * <p>Every output is one sum of its plus terms and one of its minus terms, each in ascending p, so the results
 * do not depend on the thread count; {@link #gemm} and {@link #convForward} give the same bits in the scalar and
 * the Vector API implementation.
 */
public interface TernaryKernels {
    /**
     * {@code C[i][j] (+)= scale(i) · (Σ_{code(i,p)=+} X[p][j] − Σ_{code(i,p)=−} X[p][j]) + bias[i]} for i &lt; m,
     * j &lt; n; X is k×n with rows {@code ldx} apart, C m×n with rows {@code ldc} apart; added to C when
     * {@code accumulate}, else C is overwritten (old NaNs do not survive).
     */
    void gemm(int m, int n, int k, int[] codes, float[] scales, boolean perRow, float[] bias,
              float[] x, int xOff, int ldx, boolean accumulate, float[] c, int cOff, int ldc);

    /**
     * A linear layer, {@code y[b][o] = scale(o) · Σ_p w(o, p) · x[b][p] + bias[o]}: x is [batch × in], y
     * [batch × out] (overwritten), W [out × in]. Batch 1 is the case that matters for inference.
     */
    void linear(int batch, int in, int out, int[] codes, float[] scales, boolean perRow, float[] bias,
                float[] x, int xOff, float[] y, int yOff);

    /** y = conv(x, W) + bias over an NCHW batch, W [K, C, kh, kw] as codes, any kernel, stride and padding. */
    void convForward(ConvShape s, float[] x, int xOff, int[] codes, float[] scales, boolean perRow, float[] bias,
                     float[] y, int yOff);
}
