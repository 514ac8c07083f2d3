package dev.lanes.nn.optim;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.nn.Parameter;
import java.util.List;
import java.util.Random;

/** One optimizer configuration, run side by side with {@link Reference} over several steps. */
record OptimizerCase(String kind, float lr, float momentum, float weightDecay, boolean nesterov,
                     float beta1, float beta2, float eps) {

    static OptimizerCase sgd(float lr, float momentum, float wd, boolean nesterov) {
        return new OptimizerCase("sgd", lr, momentum, wd, nesterov, 0, 0, 0);
    }

    static OptimizerCase adam(float lr, float beta1, float beta2, float eps, float wd) {
        return new OptimizerCase("adam", lr, 0, wd, false, beta1, beta2, eps);
    }

    static OptimizerCase adamW(float lr, float beta1, float beta2, float eps, float wd) {
        return new OptimizerCase("adamw", lr, 0, wd, false, beta1, beta2, eps);
    }

    Optimizer build(List<Parameter> params) {
        return switch (kind) {
            case "sgd" -> new Sgd(params, lr, momentum, weightDecay, nesterov);
            case "adam" -> new Adam(params, lr, beta1, beta2, eps, weightDecay);
            default -> new AdamW(params, lr, beta1, beta2, eps, weightDecay);
        };
    }

    /**
     * Runs {@code steps} steps on a parameter of {@code size} random values with fresh random gradients each
     * step; fails naming the step and element if the float result leaves {@code atol + rtol * |ref|} of the
     * double reference. Returns the largest absolute difference seen.
     */
    double check(int size, int steps, long seed, double atol, double rtol) {
        Random rnd = new Random(seed);
        Parameter p = new Parameter("w", size);
        float[] w = p.value().data();
        double[] ref = new double[size], m = new double[size], v = new double[size], buf = null;
        for (int i = 0; i < size; i++) {
            w[i] = (float) rnd.nextGaussian();
            ref[i] = w[i];
        }
        Optimizer opt = build(List.of(p));
        double worst = 0;
        for (int t = 1; t <= steps; t++) {
            float[] g = p.grad().data();
            double[] gd = new double[size];
            for (int i = 0; i < size; i++) {
                g[i] = (float) (rnd.nextGaussian() * 0.5);
                gd[i] = g[i];
            }
            opt.step();
            if (kind.equals("sgd")) buf = Reference.sgd(ref, gd, buf, lr, momentum, weightDecay, nesterov);
            else Reference.adam(ref, gd, m, v, t, lr, beta1, beta2, eps, weightDecay, kind.equals("adamw"));
            for (int i = 0; i < size; i++) {
                double diff = Math.abs(w[i] - ref[i]);
                worst = Math.max(worst, diff);
                if (!(diff <= atol + rtol * Math.abs(ref[i]))) {
                    fail(this + " size " + size + " seed " + seed + ": step " + t + " element " + i + " is " + w[i]
                            + " but the reference is " + ref[i] + " (diff " + diff + ")");
                }
            }
        }
        return worst;
    }
}
