package dev.lanes.engine.conv;

/**
 * The inner loops of im2col convolution besides the GEMM: copying and adding short rows (im2col, col2im)
 * and the row-by-row dot products that replace the GEMM when a matrix has only a few rows. Pluggable
 * because rows are often only 7-32 floats, where {@link System#arraycopy} costs as much as the copy and the
 * JIT does not vectorise the adds or the sums; the Vector API version ({@link VectorColumnOps}) is only
 * loaded by the Vector API kernel set.
 */
public interface ColumnOps {
    /**
     * {@code dst[dstOff + r*dstStride + q] = src[srcOff + r*srcStride + q]} for r &lt; rows, q &lt; len.
     * Source and destination rows must not overlap.
     */
    void copy(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len);

    /** {@code dst[dstOff + r*dstStride + q] += src[srcOff + r*srcStride + q]}; rows must not overlap. */
    void add(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len);

    /**
     * {@code c[cOff + i*rowsB + j] (+)= Σ_{q<len} a[aOff + i*lda + q] · b[bOff + j*ldb + q]} for i &lt; rowsA,
     * j &lt; rowsB: A·Bᵀ of two row-major matrices with {@code len} columns, added when {@code accumulate}.
     */
    void dotRows(float[] a, int aOff, int lda, int rowsA, float[] b, int bOff, int ldb, int rowsB, int len,
                 float[] c, int cOff, boolean accumulate);

    /** {@code Σ_{q<len} a[off + q]}, in an order fixed by the implementation (the bias gradient of one plane). */
    float sum(float[] a, int off, int len);

    /** The plain-Java version. */
    ColumnOps SCALAR = new ScalarColumnOps();
}
