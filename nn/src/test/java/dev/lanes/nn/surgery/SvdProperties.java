package dev.lanes.nn.surgery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SvdProperties {
    /** Full-rank random matrices and rank-deficient ones (a product m × k times k × n with k < min(m, n)). */
    @Property(tries = 300)
    void decomposes(@ForAll @IntRange(min = 1, max = 14) int m, @ForAll @IntRange(min = 1, max = 14) int n,
                    @ForAll @IntRange(min = 0, max = 14) int rank, @ForAll long seed) {
        double[] a = rank == 0 || rank >= Math.min(m, n) ? gaussian(m, n, seed) : product(m, n, rank, seed);
        Svd s = Svd.of(a, m, n);
        int p = Math.min(m, n);
        assertEquals(p, s.p);
        assertOrthonormal("U", s.m, p, s::u);
        assertOrthonormal("V", s.n, p, s::v);
        for (int i = 0; i < p; i++) {
            assertTrue(s.sigma(i) >= 0, "σ" + i + " = " + s.sigma(i));
            if (i > 0) assertTrue(s.sigma(i) <= s.sigma(i - 1), "σ not descending at " + i);
        }
        double norm = 0, err = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double r = 0;
                for (int k = 0; k < p; k++) r += s.u(i, k) * s.sigma(k) * s.v(j, k);
                norm += a[i * n + j] * a[i * n + j];
                err += (r - a[i * n + j]) * (r - a[i * n + j]);
            }
        assertTrue(Math.sqrt(err) <= 1e-12 * Math.max(1, Math.sqrt(norm)), "‖U Σ Vᵀ − A‖ = " + Math.sqrt(err) + " for ‖A‖ = " + Math.sqrt(norm));
        if (rank > 0 && rank < p) assertTrue(s.sigma(rank) <= 1e-12 * s.sigma(0), "rank " + rank + " matrix has σ" + rank + " = " + s.sigma(rank));
    }

    /** A known case: diag(3, 2) rotated on both sides keeps σ = (3, 2); zero matrices give σ = 0 with orthonormal U, V. */
    @Example
    void knownValues() {
        double c = Math.cos(0.3), s = Math.sin(0.3), c2 = Math.cos(1.1), s2 = Math.sin(1.1);
        // A = R(0.3) · diag(3, 2) · R(1.1)ᵀ
        double[] a = {
                c * 3 * c2 + -s * 2 * -s2, c * 3 * s2 + -s * 2 * c2,
                s * 3 * c2 + c * 2 * -s2, s * 3 * s2 + c * 2 * c2};
        Svd svd = Svd.of(a, 2, 2);
        assertEquals(3, svd.sigma(0), 1e-14);
        assertEquals(2, svd.sigma(1), 1e-14);
        Svd zero = Svd.of(new double[12], 3, 4);
        assertEquals(0, zero.sigma(0));
        assertOrthonormal("U", 3, 3, zero::u);
        assertOrthonormal("V", 4, 3, zero::v);
    }

    @Example
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Svd.of(new double[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Svd.of(new double[] {1, Double.NaN}, 1, 2));
    }

    private interface Entry { double at(int row, int col); }

    private static void assertOrthonormal(String name, int rows, int cols, Entry e) {
        for (int a = 0; a < cols; a++)
            for (int b = 0; b < cols; b++) {
                double d = 0;
                for (int i = 0; i < rows; i++) d += e.at(i, a) * e.at(i, b);
                assertEquals(a == b ? 1 : 0, d, 1e-12, name + "ᵀ" + name + " at (" + a + ", " + b + ")");
            }
    }

    private static double[] gaussian(int m, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian();
        return a;
    }

    private static double[] product(int m, int n, int k, long seed) {
        double[] x = gaussian(m, k, seed), y = gaussian(k, n, seed + 1), a = new double[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) for (int q = 0; q < k; q++) a[i * n + j] += x[i * k + q] * y[q * n + j];
        return a;
    }
}
