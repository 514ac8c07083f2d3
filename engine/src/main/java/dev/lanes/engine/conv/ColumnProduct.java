package dev.lanes.engine.conv;

/**
 * The weights-times-columns product of a convolution's forward pass, for weights that are not a float array
 * (packed ternary codes times a scale): {@link Im2colConv#forward(ConvShape, float[], int, ColumnProduct, float[], int)}
 * builds the column matrix of each image, a band at a time, and hands it here. Called from several threads
 * at once (one image each), so an implementation must not keep per-call state in fields.
 */
public interface ColumnProduct {
    /**
     * {@code y[yOff + o*ldy + j] = Σ_{q < CK} W[o][q] · col[colOff + q*ldCol + j] + bias[o]} for o &lt; K
     * ({@code s.outChannels()}), j &lt; n, where CK = {@code s.inChannels() * s.kernelH() * s.kernelW()} and the
     * bias is the implementation's (or none).
     */
    void multiply(ConvShape s, float[] col, int colOff, int ldCol, int n, float[] y, int yOff, int ldy);
}
