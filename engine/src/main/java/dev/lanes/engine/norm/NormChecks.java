package dev.lanes.engine.norm;

import dev.lanes.engine.Shapes;

/** Argument checks shared by the scalar and Vector API batch norms. */
final class NormChecks {
    private NormChecks() {}

    static String shape(int n, int c, int hw) {
        return "[" + n + ", " + c + ", " + hw + "]";
    }

    static void sizes(String op, int n, int c, int hw) {
        if (n < 0 || c < 0 || hw < 0) throw new IllegalArgumentException(op + ": negative size in input " + shape(n, c, hw));
    }

    static void data(String op, String name, int n, int c, int hw, float[] a, int off) {
        if (!Shapes.fits(a, off, (long) n * c * hw)) Shapes.requireRange(op + " " + name, a, off, (long) n * c * hw, shape(n, c, hw));
    }

    static void perChannel(String op, String name, int c, float[] a) {
        if (!Shapes.fits(a, 0, c)) Shapes.requireRange(op + " " + name, a, 0, c, "[" + c + "] (one per channel)");
    }

    static void eps(String op, float eps) {
        if (!(eps >= 0f)) throw new IllegalArgumentException(op + ": eps must be >= 0 but is " + eps);
    }

    static void training(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta, float eps, float momentum,
                         float[] runningMean, float[] runningVar, float[] saveMean, float[] saveInvStd, float[] y, int yOff) {
        String op = "batchNorm forwardTraining";
        sizes(op, n, c, hw);
        if (c > 0 && (long) n * hw < 2) {
            // the unbiased variance for the running statistics needs two values, as in PyTorch
            throw new IllegalArgumentException(op + ": training needs more than one value per channel but input is "
                    + shape(n, c, hw));
        }
        eps(op, eps);
        if (!(momentum >= 0f && momentum <= 1f)) {
            throw new IllegalArgumentException(op + ": momentum must be in [0, 1] but is " + momentum);
        }
        data(op, "x", n, c, hw, x, xOff);
        data(op, "y", n, c, hw, y, yOff);
        perChannel(op, "gamma", c, gamma);
        perChannel(op, "beta", c, beta);
        perChannel(op, "runningMean", c, runningMean);
        perChannel(op, "runningVar", c, runningVar);
        perChannel(op, "saveMean", c, saveMean);
        perChannel(op, "saveInvStd", c, saveInvStd);
    }

    static void inference(int n, int c, int hw, float[] x, int xOff, float[] gamma, float[] beta,
                          float[] runningMean, float[] runningVar, float eps, float[] y, int yOff) {
        String op = "batchNorm forwardInference";
        sizes(op, n, c, hw);
        eps(op, eps);
        data(op, "x", n, c, hw, x, xOff);
        data(op, "y", n, c, hw, y, yOff);
        perChannel(op, "gamma", c, gamma);
        perChannel(op, "beta", c, beta);
        perChannel(op, "runningMean", c, runningMean);
        perChannel(op, "runningVar", c, runningVar);
    }

    static void backward(int n, int c, int hw, float[] x, int xOff, float[] dy, int dyOff, float[] gamma,
                         float[] saveMean, float[] saveInvStd, float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        String op = "batchNorm backward";
        sizes(op, n, c, hw);
        data(op, "x", n, c, hw, x, xOff);
        data(op, "dy", n, c, hw, dy, dyOff);
        if (dx != null) data(op, "dx", n, c, hw, dx, dxOff);
        perChannel(op, "gamma", c, gamma);
        perChannel(op, "saveMean", c, saveMean);
        perChannel(op, "saveInvStd", c, saveInvStd);
        if (dgamma != null) perChannel(op, "dgamma", c, dgamma);
        if (dbeta != null) perChannel(op, "dbeta", c, dbeta);
    }
}
