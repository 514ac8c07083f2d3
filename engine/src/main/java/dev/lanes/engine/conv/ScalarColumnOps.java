package dev.lanes.engine.conv;

/** {@link ColumnOps} in plain Java: the reference, and what runs without the Vector API. */
final class ScalarColumnOps implements ColumnOps {
    @Override
    public void copy(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        for (int r = 0; r < rows; r++) System.arraycopy(src, srcOff + r * srcStride, dst, dstOff + r * dstStride, len);
    }

    @Override
    public void add(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcStride, d = dstOff + r * dstStride;
            for (int q = 0; q < len; q++) dst[d + q] += src[s + q];
        }
    }

    @Override
    public void dotRows(float[] a, int aOff, int lda, int rowsA, float[] b, int bOff, int ldb, int rowsB, int len,
                        float[] c, int cOff, boolean accumulate) {
        for (int i = 0; i < rowsA; i++) {
            for (int j = 0; j < rowsB; j++) {
                float sum = 0f;
                for (int q = 0; q < len; q++) sum += a[aOff + i * lda + q] * b[bOff + j * ldb + q];
                int o = cOff + i * rowsB + j;
                c[o] = accumulate ? c[o] + sum : sum;
            }
        }
    }

    /** In double, four independent chains: one chain is bound by the add latency, four by throughput. */
    @Override
    public float sum(float[] a, int off, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            s0 += a[off + i];
            s1 += a[off + i + 1];
            s2 += a[off + i + 2];
            s3 += a[off + i + 3];
        }
        for (; i < len; i++) s0 += a[off + i];
        return (float) ((s0 + s1) + (s2 + s3));
    }

    @Override
    public String toString() {
        return "scalar";
    }
}
