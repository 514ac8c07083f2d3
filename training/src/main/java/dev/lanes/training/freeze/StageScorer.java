package dev.lanes.training.freeze;

import dev.lanes.engine.Tensor;
import java.util.List;

/**
 * Scores how much each stage (a top-level layer or residual block) still learns: the relative change of all
 * its parameters since the previous check, s = ‖W(t) − W(t−1)‖₂ / (‖W(t−1)‖₂ + ε). A stage without
 * parameters (ReLU, pooling) scores 0: it has nothing to learn and never holds back a freeze.
 */
public final class StageScorer {
    static final double EPS = 1e-12;

    private final List<List<Tensor>> stages;
    private final float[][][] previous;

    /** {@code stages.get(i)} holds the parameter values of stage i (the live tensors; they are read at each check). */
    public StageScorer(List<List<Tensor>> stages) {
        this.stages = List.copyOf(stages);
        this.previous = new float[stages.size()][][];
        for (int i = 0; i < stages.size(); i++) {
            List<Tensor> ps = stages.get(i);
            previous[i] = new float[ps.size()][];
            for (int j = 0; j < ps.size(); j++) previous[i][j] = ps.get(j).toArray();
        }
    }

    public int stageCount() { return stages.size(); }

    /** The scores since the previous call (or construction), and the current values become the reference. */
    public double[] check() {
        double[] scores = new double[stages.size()];
        for (int i = 0; i < scores.length; i++) {
            double diff = 0, ref = 0;
            List<Tensor> ps = stages.get(i);
            for (int j = 0; j < ps.size(); j++) {
                Tensor t = ps.get(j);
                float[] d = t.data(), prev = previous[i][j];
                int off = t.offset();
                for (int k = 0; k < prev.length; k++) {
                    double now = d[off + k], before = prev[k];
                    diff += (now - before) * (now - before);
                    ref += before * before;
                    prev[k] = d[off + k];
                }
            }
            scores[i] = ps.isEmpty() ? 0 : Math.sqrt(diff) / (Math.sqrt(ref) + EPS);
        }
        return scores;
    }
}
