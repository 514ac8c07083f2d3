package dev.lanes.training.data;

/** Per-channel statistics of a dataset, for normalisation of datasets without published constants. */
public final class DatasetStats {
    private DatasetStats() {}

    /** {@code {mean[C], std[C]}} of the pixel values in [0, 1] over every image (population std, in double). */
    public static float[][] meanStd(Dataset ds) {
        int[] s = ds.imageShape();
        int c = s[0], plane = s[1] * s[2];
        double[] sum = new double[c], sq = new double[c];
        float[] img = new float[ds.imageSize()];
        for (int i = 0; i < ds.size(); i++) {
            ds.get(i, img, 0);
            for (int ch = 0; ch < c; ch++) {
                double a = 0, b = 0;
                for (int k = ch * plane, end = k + plane; k < end; k++) {
                    a += img[k];
                    b += (double) img[k] * img[k];
                }
                sum[ch] += a;
                sq[ch] += b;
            }
        }
        float[] mean = new float[c], std = new float[c];
        double n = (double) ds.size() * plane;
        for (int ch = 0; ch < c; ch++) {
            double m = n == 0 ? 0 : sum[ch] / n;
            double var = n == 0 ? 1 : Math.max(sq[ch] / n - m * m, 0);
            mean[ch] = (float) m;
            std[ch] = (float) Math.max(Math.sqrt(var), 1e-6);
        }
        return new float[][] {mean, std};
    }
}
