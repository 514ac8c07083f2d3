package dev.lanes.engine.loss;

import dev.lanes.engine.Shapes;

/** Argument checks shared by the scalar and Vector API softmax kernels; labels are checked before any write. */
final class LossChecks {
    private LossChecks() {}

    static void rows(String op, int n, int classes) {
        if (n < 0 || classes <= 0) {
            throw new IllegalArgumentException(op + ": need n >= 0 rows and classes > 0 but logits are [" + n + ", " + classes + "]");
        }
    }

    static void softmax(int n, int classes, float[] x, int xOff, float[] y, int yOff) {
        rows("softmax", n, classes);
        if (!Shapes.fits(x, xOff, (long) n * classes)) Shapes.requireRange("softmax x", x, xOff, (long) n * classes, "[" + n + ", " + classes + "]");
        if (!Shapes.fits(y, yOff, (long) n * classes)) Shapes.requireRange("softmax y", y, yOff, (long) n * classes, "[" + n + ", " + classes + "]");
    }

    static void crossEntropy(int n, int classes, float[] logits, int logitsOff, int[] labels, int labelsOff,
                             float smoothing, float[] dlogits, int dlogitsOff) {
        labelled("softmaxCrossEntropy", n, classes, logits, logitsOff, labels, labelsOff, dlogits, dlogitsOff);
        if (!(smoothing >= 0f && smoothing <= 1f)) {
            throw new IllegalArgumentException("softmaxCrossEntropy: label smoothing must be in [0, 1] but is " + smoothing);
        }
    }

    /** Logits, labels (each in range) and the optional gradient of a loss against hard labels, named {@code op}. */
    private static void labelled(String op, int n, int classes, float[] logits, int logitsOff, int[] labels, int labelsOff,
                                 float[] dlogits, int dlogitsOff) {
        rows(op, n, classes);
        String shape = "[" + n + ", " + classes + "]";
        if (!Shapes.fits(logits, logitsOff, (long) n * classes)) Shapes.requireRange(op + " logits", logits, logitsOff, (long) n * classes, shape);
        if (!Shapes.fits(labels, labelsOff, n)) Shapes.requireRange(op + " labels", labels, labelsOff, n, "[" + n + "]");
        if (dlogits != null && !Shapes.fits(dlogits, dlogitsOff, (long) n * classes)) Shapes.requireRange(op + " dlogits", dlogits, dlogitsOff, (long) n * classes, shape);
        for (int r = 0; r < n; r++) {
            int label = labels[labelsOff + r];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(op + ": label " + label + " of row " + r + " is outside [0, " + classes + ") for logits " + shape);
            }
        }
    }

    static void distillation(int n, int classes, float[] logits, int logitsOff, float[] teacher, int teacherOff, int[] labels, int labelsOff,
                             float temperature, float alpha, float[] dlogits, int dlogitsOff) {
        labelled("distillation", n, classes, logits, logitsOff, labels, labelsOff, dlogits, dlogitsOff);
        if (!Shapes.fits(teacher, teacherOff, (long) n * classes)) Shapes.requireRange("distillation teacher", teacher, teacherOff, (long) n * classes, "[" + n + ", " + classes + "]");
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("distillation: temperature must be positive and finite but is " + temperature);
        }
        if (!(alpha >= 0f && alpha <= 1f)) throw new IllegalArgumentException("distillation: alpha must be in [0, 1] but is " + alpha);
    }
}
