package dev.lanes.nn.surgery;

import dev.lanes.nn.arch.ConvSpec;
import dev.lanes.nn.arch.LayerSpec;

/**
 * A conv or linear layer that low-rank surgery can factorise: its weight seen as a {@code rows × cols} matrix
 * (K × C·kH·kW for a conv, out × in for a linear layer), the output pixels one sample gives it (1 for a linear
 * layer), and the matrix's singular values, descending.
 */
public record LowRankLayer(String path, LayerSpec spec, int rows, int cols, long pixels, double[] sigma) {
    /** The largest rank a factorisation can have. */
    public int maxRank() { return Math.min(rows, cols); }

    /** Forward FLOPs per sample of the layer as it is (a multiply-add counts two). */
    public long flops() { return 2L * rows * cols * pixels; }

    /**
     * Forward FLOPs per sample at rank r: the k×k conv C→r then the 1×1 conv r→K (the same sum for in→r→out).
     */
    public long flops(int rank) { return 2L * rank * (cols + rows) * pixels; }

    /** Whether rank r costs fewer FLOPs than the layer as it is. */
    public boolean saves(int rank) { return flops(rank) < flops(); }

    /** The largest rank that still saves FLOPs, 0 if none does. */
    public int breakEvenRank() {
        int r = (int) Math.min(maxRank(), ((long) rows * cols - 1) / (rows + cols));
        return Math.max(r, 0);
    }

    /** Σ σ² of the singular values from index {@code from} on: the squared Frobenius error of rank {@code from}. */
    public double tailEnergy(int from) {
        double s = 0;
        for (int i = from; i < sigma.length; i++) s += sigma[i] * sigma[i];
        return s;
    }

    public double energy() { return tailEnergy(0); }

    public boolean isConv() { return spec instanceof ConvSpec; }
}
