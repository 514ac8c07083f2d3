package dev.lanes.nn.optim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/** The optimizers against {@link Reference} over random sizes and hyper-parameters. */
class OptimizerProperties {
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    @Property(tries = 60)
    void sgd(@ForAll @IntRange(min = 1, max = 300) int size, @ForAll @IntRange(min = 1, max = 6) int steps,
             @ForAll @Scale(6) @FloatRange(min = 1e-4f, max = 0.5f) float lr, @ForAll @Scale(6) @FloatRange(min = 0f, max = 0.99f) float momentum,
             @ForAll @Scale(6) @FloatRange(min = 0f, max = 0.1f) float wd, @ForAll boolean nesterov, @ForAll long seed) {
        OptimizerCase.sgd(lr, momentum, wd, nesterov && momentum > 0).check(size, steps, seed, ATOL, RTOL);
    }

    @Property(tries = 60)
    void adam(@ForAll @IntRange(min = 1, max = 300) int size, @ForAll @IntRange(min = 1, max = 6) int steps,
              @ForAll @Scale(6) @FloatRange(min = 1e-4f, max = 0.1f) float lr, @ForAll @Scale(6) @FloatRange(min = 0f, max = 0.99f) float beta1,
              @ForAll @Scale(6) @FloatRange(min = 0.9f, max = 0.9999f) float beta2, @ForAll @IntRange(min = 3, max = 8) int epsExponent,
              @ForAll @Scale(6) @FloatRange(min = 0f, max = 0.1f) float wd, @ForAll boolean decoupled, @ForAll long seed) {
        float eps = (float) Math.pow(10, -epsExponent);
        OptimizerCase c = decoupled ? OptimizerCase.adamW(lr, beta1, beta2, eps, wd) : OptimizerCase.adam(lr, beta1, beta2, eps, wd);
        c.check(size, steps, seed, ATOL, RTOL);
    }
}
