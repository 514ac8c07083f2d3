package dev.lanes.training.distill;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.DistillationLoss;
import dev.lanes.nn.layers.SoftmaxCrossEntropy;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.training.Cost;
import dev.lanes.training.Step;
import dev.lanes.training.TrainingState;
import dev.lanes.training.data.DataLoader;

/**
 * The training step of knowledge distillation: forward, {@link DistillationLoss} against the teacher's logits for
 * the batch's rows, backward, optimizer update. The teacher's logits come from a per-sample cache (gathered by
 * {@link DataLoader.Batch#indices()}) or, when the images change every epoch (augmentation), from a teacher
 * forward on the batch itself, re-normalised per channel to the teacher's statistics. Allocates nothing per
 * batch once the shapes have been seen (the teacher's input buffer keeps a partial last batch while its size recurs).
 */
final class DistillationStep implements Step {
    private final DistillationLoss loss;
    private final int classes;
    private final float[] cache; // null: the teacher runs per batch
    private final float[] gathered;
    private final Teacher teacher;
    private final Flops teacherPerImage;
    private final float[] scale, shift; // teacher input = student input · scale[c] + shift[c]; null: the same
    private final float[] teacherImages;
    private Tensor teacherFull, teacherPartial;
    private int correct;

    /** A step reading {@code cache} ([samples, classes] by dataset index). */
    static DistillationStep cached(DistillationLoss loss, int classes, int batchSize, float[] cache) {
        return new DistillationStep(loss, classes, batchSize, cache, null, Flops.ZERO, null, null, null);
    }

    /**
     * A step that runs {@code teacher} on each batch of [C, H, W] images normalised by {@code studentMean}/{@code studentStd}
     * (null: not normalised); {@code teacherPerImage} is what the cost model charges for it.
     */
    static DistillationStep perBatch(DistillationLoss loss, int classes, int batchSize, Teacher teacher, int[] imageShape,
                                     float[] studentMean, float[] studentStd, Flops teacherPerImage) {
        float[][] norm = teacher.normalisation(studentMean, studentStd);
        int channels = imageShape[0];
        float[] scale = null, shift = null;
        boolean same = java.util.Arrays.equals(norm[0], studentMean) && java.util.Arrays.equals(norm[1], studentStd);
        if (!same) {
            scale = new float[channels];
            shift = new float[channels];
            for (int c = 0; c < channels; c++) {
                // undo the student's (x - m)/s, apply the teacher's
                double sm = studentMean == null ? 0 : studentMean[c], ss = studentStd == null ? 1 : studentStd[c];
                double tm = norm[0] == null ? 0 : norm[0][c], ts = norm[1] == null ? 1 : norm[1][c];
                scale[c] = (float) (ss / ts);
                shift[c] = (float) ((sm - tm) / ts);
            }
        }
        float[] images = same ? null : new float[batchSize * channels * imageShape[1] * imageShape[2]];
        DistillationStep s = new DistillationStep(loss, classes, batchSize, null, teacher, teacherPerImage, scale, shift, images);
        if (images != null) s.teacherFull = Tensor.wrap(images, 0, batchSize, channels, imageShape[1], imageShape[2]);
        return s;
    }

    private DistillationStep(DistillationLoss loss, int classes, int batchSize, float[] cache, Teacher teacher, Flops teacherPerImage,
                             float[] scale, float[] shift, float[] teacherImages) {
        this.loss = loss;
        this.classes = classes;
        this.cache = cache;
        this.gathered = cache == null ? null : new float[batchSize * classes];
        this.teacher = teacher;
        this.teacherPerImage = teacherPerImage;
        this.scale = scale;
        this.shift = shift;
        this.teacherImages = teacherImages;
    }

    @Override
    public String name() { return cache != null ? "distill-cached" : "distill"; }

    /** Whether the teacher's logits come from the per-sample cache. */
    boolean isCached() { return cache != null; }

    @Override
    public float train(TrainingState state, DataLoader.Batch b) {
        Module model = state.model();
        Optimizer optimizer = state.optimizer();
        optimizer.zeroGrad();
        Tensor logits = model.forward(b.images());
        if (logits.rank() != 2 || logits.dim(1) != classes) {
            throw new IllegalArgumentException("distill: the student outputs " + Shapes.toString(logits.shape()) + " but the teacher has "
                    + classes + " classes");
        }
        int n = b.size();
        float[] t;
        int tOff;
        if (cache != null) {
            int[] idx = b.indices();
            for (int i = 0; i < n; i++) System.arraycopy(cache, idx[i] * classes, gathered, i * classes, classes);
            t = gathered;
            tOff = 0;
        } else {
            Tensor out = teacher.model().forward(teacherInput(b));
            t = out.data();
            tOff = out.offset();
        }
        float l = loss.forward(logits, t, tOff, b.labels(), 0);
        if (!Float.isFinite(l)) return l;
        model.backward(loss.backward(), false); // nothing upstream of the model needs dx
        optimizer.step();
        correct = SoftmaxCrossEntropy.correct(logits, b.labels(), 0);
        return l;
    }

    /** The batch's images in the teacher's normalisation (the batch's own tensor when both agree). */
    private Tensor teacherInput(DataLoader.Batch b) {
        Tensor x = b.images();
        if (scale == null) return x;
        int n = b.size(), channels = x.dim(1), plane = x.dim(2) * x.dim(3);
        float[] src = x.data();
        int off = x.offset();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * plane;
                float a = scale[c], d = shift[c];
                for (int p = 0; p < plane; p++) teacherImages[base + p] = src[off + base + p] * a + d;
            }
        }
        if (n == teacherFull.dim(0)) return teacherFull;
        if (teacherPartial == null || teacherPartial.dim(0) != n) teacherPartial = Tensor.wrap(teacherImages, 0, n, channels, x.dim(2), x.dim(3));
        return teacherPartial;
    }

    @Override
    public int correct() { return correct; }

    /** The student's step, plus the teacher's forward when it runs per batch (a cache costs nothing per step). */
    @Override
    public Flops costPerImage(Module model, int[] imageShape) {
        Flops student = Cost.perImage(model, imageShape, 0);
        return new Flops(student.forward() + teacherPerImage.forward(), student.backwardData(), student.backwardWeights());
    }
}
