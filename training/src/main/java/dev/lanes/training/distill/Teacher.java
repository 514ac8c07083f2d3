package dev.lanes.training.distill;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.SavedModel;
import dev.lanes.training.data.DataLoader;
import dev.lanes.training.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * A trained model used as a distillation teacher, in eval mode: rebuilt from its file's architecture, with the
 * input normalisation it was trained with when the file records one (the metadata {@code lanes train} writes:
 * {@code norm_mean}, {@code norm_std}, {@code in_channels}, {@code height}, {@code width}), otherwise the
 * student's. Its SHA-256 lets a resumed run refuse a teacher file that changed.
 */
public final class Teacher {
    private final Path file;
    private final Module model;
    private final float[] mean, std; // null: the student's normalisation
    private final int[] recordedShape; // null when the file does not say
    private final String sha256;

    private Teacher(Path file, Module model, float[] mean, float[] std, int[] recordedShape, String sha256) {
        this.file = file;
        this.model = model;
        this.mean = mean;
        this.std = std;
        this.recordedShape = recordedShape;
        this.sha256 = sha256;
    }

    public static Teacher load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("teacher " + file + " is not a file");
        SavedModel saved = ModelFile.read(file);
        Module model = saved.build();
        model.eval();
        Map<String, String> m = saved.metadata();
        float[] mean = null, std = null;
        int[] shape = null;
        try {
            if (m.containsKey("norm_mean") && m.containsKey("norm_std")) {
                mean = floats(m.get("norm_mean"));
                std = floats(m.get("norm_std"));
            }
            if (m.containsKey("in_channels") && m.containsKey("height") && m.containsKey("width")) {
                shape = new int[]{Integer.parseInt(m.get("in_channels")), Integer.parseInt(m.get("height")), Integer.parseInt(m.get("width"))};
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("teacher " + file + ": malformed metadata: " + e.getMessage(), e);
        }
        return new Teacher(file, model, mean, std, shape, sha256(file));
    }

    private static float[] floats(String s) {
        String[] parts = s.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) v[i] = Float.parseFloat(parts[i]);
        return v;
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public Path file() { return file; }

    public Module model() { return model; }

    public String sha256() { return sha256; }

    /**
     * The teacher's class count on images of {@code imageShape} [C, H, W]; an IllegalArgumentException naming the
     * file and both shapes when the teacher was made for other images or does not end in [N, classes].
     */
    public int classesFor(int[] imageShape) {
        if (recordedShape != null && !Arrays.equals(recordedShape, imageShape)) {
            throw new IllegalArgumentException("teacher " + file + " was trained on images of shape " + Arrays.toString(recordedShape)
                    + " but the student's are " + Arrays.toString(imageShape));
        }
        int[] out;
        try {
            out = model.outputShape(new int[]{1, imageShape[0], imageShape[1], imageShape[2]});
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("teacher " + file + " does not take images of shape " + Arrays.toString(imageShape) + ": " + e.getMessage(), e);
        }
        if (out.length != 2) throw new IllegalArgumentException("teacher " + file + " outputs " + Shapes.toString(out) + ", not [N, classes]");
        return out[1];
    }

    /** The teacher's normalisation, or {@code fallback} (the student's) when its file records none. */
    float[][] normalisation(float[] fallbackMean, float[] fallbackStd) {
        return mean != null ? new float[][]{mean, std} : new float[][]{fallbackMean, fallbackStd};
    }

    /**
     * The teacher's logits for every sample of {@code data}, {@code classes} floats per sample in dataset order,
     * fed in order with the teacher's normalisation (or {@code mean}/{@code std}, the student's); a non-finite
     * logit is refused, naming the sample.
     */
    float[] logitsOf(Dataset data, int batch, int classes, float[] mean, float[] std) {
        long size = (long) data.size() * classes;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("teacher logits of " + data.size() + " samples x " + classes + " classes do not fit one array");
        float[] cache = new float[(int) size];
        float[][] norm = normalisation(mean, std);
        DataLoader.Builder b = DataLoader.builder(data).batchSize(batch);
        if (norm[0] != null) b.normalize(norm[0], norm[1]);
        try (DataLoader loader = b.build(); DataLoader.EpochIterator it = loader.epoch(0)) {
            while (it.hasNext()) {
                DataLoader.Batch batchData = it.next();
                Tensor logits = model.forward(batchData.images());
                float[] d = logits.data();
                for (int i = 0; i < batchData.size(); i++) {
                    int sample = batchData.indices()[i], from = logits.offset() + i * classes;
                    for (int j = 0; j < classes; j++) {
                        if (!Float.isFinite(d[from + j])) {
                            throw new IllegalArgumentException("teacher " + file + " gives logit " + d[from + j] + " for sample " + sample);
                        }
                    }
                    System.arraycopy(d, from, cache, sample * classes, classes);
                }
            }
        }
        return cache;
    }
}
