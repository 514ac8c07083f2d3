package dev.lanes.engine.gemm;

/**
 * Single-precision general matrix multiply on row-major matrices:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where op(A) is m×k and op(B) is k×n.
 *
 * <p>{@code transA} means A is stored k×m (so op(A) = Aᵀ), {@code transB} that B is stored n×k. Leading
 * dimensions are the row strides of the matrices as stored. With {@code beta == 0} the old contents of C are
 * ignored (NaN in C does not propagate). Implementations split work over {@link dev.lanes.engine.Parallel}
 * and give the same bits for the same thread count.
 */
public interface Gemm {
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
