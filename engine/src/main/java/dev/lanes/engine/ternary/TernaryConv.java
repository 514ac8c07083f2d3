package dev.lanes.engine.ternary;

import dev.lanes.engine.conv.ColumnProduct;
import dev.lanes.engine.conv.ConvShape;
import dev.lanes.engine.conv.Im2colConv;

/**
 * Ternary convolution forward: {@link Im2colConv}'s column matrices (bands, threads over images, the
 * pointwise shortcut) times the codes by a {@link TernaryKernels#gemm}, the bias added there. The product
 * object is reused per thread, so a repeated call allocates nothing.
 */
final class TernaryConv {
    private final TernaryKernels kernels;
    private final Im2colConv columns;
    private final ThreadLocal<Product> products;

    TernaryConv(TernaryKernels kernels, Im2colConv columns) {
        this.kernels = kernels;
        this.columns = columns;
        this.products = ThreadLocal.withInitial(Product::new);
    }

    void forward(ConvShape s, float[] x, int xOff, int[] codes, float[] scales, boolean perRow, float[] bias,
                 float[] y, int yOff) {
        TernaryChecks.conv(s, codes, scales, perRow, bias);
        Product p = products.get();
        if (p.codes != null) p = new Product(); // called again from inside its own product: not expected, but safe
        p.codes = codes;
        p.scales = scales;
        p.perRow = perRow;
        p.bias = bias;
        try {
            columns.forward(s, x, xOff, p, y, yOff);
        } finally {
            p.codes = null;
            p.scales = p.bias = null;
        }
    }

    /** The weights of one call; read-only while the images run, so threads may share it. */
    private final class Product implements ColumnProduct {
        int[] codes;
        float[] scales, bias;
        boolean perRow;

        @Override
        public void multiply(ConvShape s, float[] col, int colOff, int ldCol, int n, float[] y, int yOff, int ldy) {
            int ck = s.inChannels() * s.kernelH() * s.kernelW();
            kernels.gemm(s.outChannels(), n, ck, codes, scales, perRow, bias, col, colOff, ldCol, false, y, yOff, ldy);
        }
    }
}
