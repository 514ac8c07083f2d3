package dev.lanes.training;

/**
 * Result of evaluating a model on a dataset: mean loss, accuracy and the confusion matrix
 * ({@code confusion[truth][predicted]} counts).
 */
public record Evaluation(double loss, double accuracy, int[][] confusion) {
    /** Accuracy on each true class; NaN for a class with no samples. */
    public double[] perClassAccuracy() {
        double[] acc = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            long total = 0;
            for (int n : confusion[c]) total += n;
            acc[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return acc;
    }

    public long samples() {
        long n = 0;
        for (int[] row : confusion) for (int v : row) n += v;
        return n;
    }
}
