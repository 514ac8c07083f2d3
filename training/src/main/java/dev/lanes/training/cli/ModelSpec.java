package dev.lanes.training.cli;

import dev.lanes.nn.Module;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.io.SavedModel;
import dev.lanes.nn.layers.Sequential;
import dev.lanes.nn.zoo.Zoo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a saved model needs to be rebuilt and fed: the zoo name, input shape, class count and the input
 * normalisation it was trained with. Stored as metadata strings in every model file and checkpoint.
 */
record ModelSpec(String model, int channels, int height, int width, int numClasses, float[] mean, float[] std, String dataDir) {
    static final String MODEL = "model", CHANNELS = "in_channels", HEIGHT = "height", WIDTH = "width",
            CLASSES = "num_classes", MEAN = "norm_mean", STD = "norm_std", DATA = "data_dir";

    Sequential build(long seed) {
        return Zoo.create(model, channels, height, width, numClasses, seed);
    }

    /**
     * The model a file holds, values loaded: built from the file's architecture when it has one (so pruned,
     * rescaled and ternary models need no zoo), otherwise (files from before) from the zoo name.
     */
    Module load(Path file) throws java.io.IOException {
        SavedModel saved = ModelFile.read(file);
        if (saved.arch().isPresent()) return saved.build();
        Module m = build(0);
        saved.loadInto(m);
        return m;
    }

    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MODEL, model);
        m.put(CHANNELS, Integer.toString(channels));
        m.put(HEIGHT, Integer.toString(height));
        m.put(WIDTH, Integer.toString(width));
        m.put(CLASSES, Integer.toString(numClasses));
        m.put(MEAN, floats(mean));
        m.put(STD, floats(std));
        m.put(DATA, dataDir);
        return m;
    }

    static ModelSpec fromMetadata(Path file, Map<String, String> m) {
        try {
            return new ModelSpec(need(file, m, MODEL), Integer.parseInt(need(file, m, CHANNELS)), Integer.parseInt(need(file, m, HEIGHT)),
                    Integer.parseInt(need(file, m, WIDTH)), Integer.parseInt(need(file, m, CLASSES)), parse(need(file, m, MEAN)),
                    parse(need(file, m, STD)), m.getOrDefault(DATA, ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": malformed model metadata: " + e.getMessage(), e);
        }
    }

    private static String need(Path file, Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException(file + ": no metadata \"" + key + "\"; not a model file written by lanes train");
        return v;
    }

    private static String floats(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i > 0 ? "," : "").append(v[i]);
        return sb.toString();
    }

    private static float[] parse(String s) {
        String[] parts = s.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) v[i] = Float.parseFloat(parts[i]);
        return v;
    }
}
