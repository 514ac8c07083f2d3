package dev.lanes.training.distill;

import dev.lanes.nn.Flops;
import dev.lanes.nn.layers.DistillationLoss;
import dev.lanes.training.Step;
import dev.lanes.training.TrainingState;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One run's distillation set-up: the teacher, checked against the data and the student, its cached logits (when
 * the data is not augmented) and the step that uses them. {@link #check} keeps the set-up honest at every epoch:
 * the step must still be this one, and a cache must still index the same training set.
 */
public final class Distillation {
    private final Teacher teacher;
    private final DistillationStep step;
    private final Dataset cachedData; // null: per batch
    private final double cacheSeconds;
    private final long teacherFlops;
    private final int[] teacherShape;

    private Distillation(Teacher teacher, DistillationStep step, Dataset cachedData, double cacheSeconds, long teacherFlops, int[] teacherShape) {
        this.teacher = teacher;
        this.step = step;
        this.cachedData = cachedData;
        this.cacheSeconds = cacheSeconds;
        this.teacherFlops = teacherFlops;
        this.teacherShape = teacherShape;
    }

    /**
     * Loads the teacher and checks it: its class count must be the data's and the student's, and it must take the
     * images it will see (the dataset's when cached, the loader's as delivered otherwise).
     */
    public static Distillation start(Path file, float temperature, float alpha, boolean allowCache, TrainingState state) throws IOException {
        Teacher teacher = Teacher.load(file);
        DataLoader train = state.trainLoader();
        Dataset data = train.dataset();
        boolean cached = allowCache && !train.augments();
        int[] shape = cached ? data.imageShape() : train.imageShape();
        int classes = teacher.classesFor(shape);
        if (classes != data.numClasses()) {
            throw new IllegalArgumentException("distill: teacher " + file + " has " + classes + " classes but the training data has " + data.numClasses());
        }
        int[] loaderShape = train.imageShape();
        int[] studentOut = state.model().outputShape(new int[]{1, loaderShape[0], loaderShape[1], loaderShape[2]});
        if (studentOut.length != 2 || studentOut[1] != classes) {
            throw new IllegalArgumentException("distill: the student outputs " + Arrays.toString(studentOut) + " per image but teacher " + file
                    + " has " + classes + " classes");
        }
        long flops = teacher.model().flops(new int[]{1, shape[0], shape[1], shape[2]});
        DistillationLoss loss = new DistillationLoss(temperature, alpha);
        if (!cached) {
            DistillationStep s = DistillationStep.perBatch(loss, classes, train.batchSize(), teacher, shape, train.mean(), train.std(),
                    new Flops(flops, 0, 0));
            return new Distillation(teacher, s, null, 0, flops, shape);
        }
        long t0 = System.nanoTime();
        float[] cache = teacher.logitsOf(data, train.batchSize(), classes, train.mean(), train.std());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Distillation(teacher, DistillationStep.cached(loss, classes, train.batchSize(), cache), data, seconds, flops, shape);
    }

    public Teacher teacher() { return teacher; }

    public Step step() { return step; }

    public boolean cached() { return cachedData != null; }

    /** Seconds the teacher took to fill the cache (0 when it runs per batch). */
    public double cacheSeconds() { return cacheSeconds; }

    /** The teacher's forward FLOPs per image. */
    public long teacherFlops() { return teacherFlops; }

    /** Refuses an epoch whose step or data no longer fit this set-up (another method changed them), naming what changed. */
    public void check(TrainingState state, int epoch) {
        if (state.step() != step) {
            throw new IllegalStateException("distill: before epoch " + epoch + " another method replaced the training step with '"
                    + state.step().name() + "'; distillation needs its own step, so it cannot be combined with that method");
        }
        DataLoader train = state.trainLoader();
        if (cachedData != null && train.dataset() != cachedData) {
            throw new IllegalStateException("distill: before epoch " + epoch + " the training set changed; the teacher's cached logits index the old one");
        }
        if (cachedData == null && !Arrays.equals(train.imageShape(), teacherShape)) {
            throw new IllegalStateException("distill: before epoch " + epoch + " the training images became " + Arrays.toString(train.imageShape())
                    + " but the teacher takes " + Arrays.toString(teacherShape));
        }
    }
}
