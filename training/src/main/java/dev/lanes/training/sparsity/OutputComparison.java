package dev.lanes.training.sparsity;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.training.data.DataLoader;

/**
 * Two models on the same images, both in eval mode: the largest |Δ logit| and the fraction of images whose
 * predicted class (argmax, ties to the lower index) is the same; with each model's accuracy.
 */
public record OutputComparison(long images, double maxAbsDiff, double agreement, double accuracyA, double accuracyB) {
    public static OutputComparison of(Module a, Module b, DataLoader loader) {
        boolean ta = a.isTraining(), tb = b.isTraining();
        a.eval();
        b.eval();
        long n = 0, same = 0, rightA = 0, rightB = 0;
        double max = 0;
        try (DataLoader.EpochIterator it = loader.epoch(0)) {
            while (it.hasNext()) {
                DataLoader.Batch batch = it.next();
                Tensor ya = a.forward(batch.images()).copy(); // a's buffer may be shared no further than its next forward
                Tensor yb = b.forward(batch.images());
                if (!ya.sameShape(yb)) throw new IllegalArgumentException("compare: the models give logits of different shapes");
                max = Math.max(max, ya.maxAbsDiff(yb));
                int[] labels = batch.labels();
                for (int i = 0; i < batch.size(); i++) {
                    int pa = ya.argmax(i), pb = yb.argmax(i);
                    if (pa == pb) same++;
                    if (pa == labels[i]) rightA++;
                    if (pb == labels[i]) rightB++;
                }
                n += batch.size();
            }
        } finally {
            a.setTraining(ta);
            b.setTraining(tb);
        }
        if (n == 0) throw new IllegalArgumentException("compare: no images");
        return new OutputComparison(n, max, (double) same / n, (double) rightA / n, (double) rightB / n);
    }
}
