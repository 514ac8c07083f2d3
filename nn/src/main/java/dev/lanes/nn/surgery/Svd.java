package dev.lanes.nn.surgery;

import java.util.Arrays;

/**
 * The thin singular value decomposition A = U Σ Vᵀ of an m × n matrix in double precision, by one-sided
 * (Hestenes) Jacobi: plane rotations orthogonalise A's columns while the same rotations build V; the columns'
 * norms are then σ and the normalised columns U. Chosen over bidiagonalisation for its simplicity and its
 * high relative accuracy; the matrices surgery factorises (K × C·k·k) are small enough for its O(mn²) sweeps.
 *
 * <p>With p = min(m, n): {@link #u} is m × p and {@link #v} n × p (row-major), both with orthonormal columns
 * (null directions are completed by Gram–Schmidt), and {@link #sigma} holds p values, descending, ≥ 0.
 */
public final class Svd {
    private static final int MAX_SWEEPS = 80;
    private static final double TOLERANCE = 1e-15;

    public final int m, n, p;
    private final double[] u, sigma, v;

    private Svd(int m, int n, double[] u, double[] sigma, double[] v) {
        this.m = m;
        this.n = n;
        this.p = sigma.length;
        this.u = u;
        this.sigma = sigma;
        this.v = v;
    }

    /** The SVD of the row-major m × n matrix {@code a} (not changed). */
    public static Svd of(double[] a, int m, int n) {
        if (m < 1 || n < 1 || a.length != (long) m * n)
            throw new IllegalArgumentException("svd: a " + m + " × " + n + " matrix needs " + ((long) m * n) + " values, got " + a.length);
        for (double x : a) if (!Double.isFinite(x)) throw new IllegalArgumentException("svd: the " + m + " × " + n + " matrix holds a non-finite value");
        if (m >= n) return tall(a, m, n);
        double[] t = new double[a.length];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
        Svd s = tall(t, n, m);
        return new Svd(m, n, s.v, s.sigma, s.u); // Aᵀ = U Σ Vᵀ  ⇒  A = V Σ Uᵀ
    }

    /** U, m × p row-major. */
    public double u(int row, int col) { return u[row * p + col]; }

    /** V, n × p row-major. */
    public double v(int row, int col) { return v[row * p + col]; }

    public double sigma(int i) { return sigma[i]; }

    public double[] sigma() { return sigma.clone(); }

    /** m ≥ n: rotate the columns of A (held column-major) until every pair is orthogonal. */
    private static Svd tall(double[] a, int m, int n) {
        double[][] col = new double[n][m], vc = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) col[j][i] = a[i * n + j];
            vc[j][j] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int i = 0; i < n - 1; i++)
                for (int j = i + 1; j < n; j++) rotated |= rotate(col[i], col[j], vc[i], vc[j]);
            if (!rotated) break;
        }
        double[] norm = new double[n];
        for (int j = 0; j < n; j++) norm[j] = Math.sqrt(dot(col[j], col[j]));
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) order[j] = j;
        Arrays.sort(order, (x, y) -> Double.compare(norm[y], norm[x]));
        double[] sigma = new double[n], u = new double[m * n], v = new double[n * n];
        double[][] uc = new double[n][];
        double floor = norm[order[0]] * 1e-13;
        for (int k = 0; k < n; k++) {
            int j = order[k];
            sigma[k] = norm[j];
            uc[k] = new double[m];
            if (norm[j] > floor && norm[j] > 0) for (int i = 0; i < m; i++) uc[k][i] = col[j][i] / norm[j];
            else complete(uc, k, m);
            for (int i = 0; i < m; i++) u[i * n + k] = uc[k][i];
            for (int i = 0; i < n; i++) v[i * n + k] = vc[j][i];
        }
        return new Svd(m, n, u, sigma, v);
    }

    /** One Jacobi rotation making columns x and y orthogonal (and the same on V's columns); false if they were. */
    private static boolean rotate(double[] x, double[] y, double[] vx, double[] vy) {
        double alpha = dot(x, x), beta = dot(y, y), gamma = dot(x, y);
        if (gamma == 0 || Math.abs(gamma) <= TOLERANCE * Math.sqrt(alpha * beta)) return false;
        double zeta = (beta - alpha) / (2 * gamma);
        double t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        double c = 1 / Math.sqrt(1 + t * t), s = c * t;
        turn(x, y, c, s);
        turn(vx, vy, c, s);
        return true;
    }

    private static void turn(double[] x, double[] y, double c, double s) {
        for (int i = 0; i < x.length; i++) {
            double a = x[i], b = y[i];
            x[i] = c * a - s * b;
            y[i] = s * a + c * b;
        }
    }

    /** Column k of U for a zero σ: the unit vector with the largest part left after removing columns 0..k−1. */
    private static void complete(double[][] uc, int k, int m) {
        double[] best = null;
        double bestNorm = 0;
        for (int e = 0; e < m; e++) {
            double[] w = new double[m];
            w[e] = 1;
            for (int pass = 0; pass < 2; pass++) // twice, so rounding leaves no part along earlier columns
                for (int q = 0; q < k; q++) {
                    double d = dot(uc[q], w);
                    for (int i = 0; i < m; i++) w[i] -= d * uc[q][i];
                }
            double nw = Math.sqrt(dot(w, w));
            if (nw > bestNorm) {
                bestNorm = nw;
                best = w;
            }
        }
        for (int i = 0; i < m; i++) uc[k][i] = best[i] / bestNorm;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }
}
