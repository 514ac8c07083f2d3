package dev.lanes.nn.io;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saving and loading a model's named parameters and buffers (BatchNorm running statistics) in the
 * {@link TensorFile} format, optionally with extra tensors and metadata; and training checkpoints that add
 * the optimizer's state under the {@value #OPTIMIZER_PREFIX} prefix.
 *
 * <p>Failures are split by cause: a file that cannot be read as a Lanes file is a {@link CorruptFileException}
 * (an IOException); a valid file that does not fit the model (missing or extra entry, different shape) is
 * an IllegalArgumentException naming the file, the entry, and the expected and found shapes. Nothing in the
 * model or optimizer changes unless the whole file fits.
 */
public final class ModelFile {
    /** Name prefix of optimizer state tensors in a checkpoint. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    private ModelFile() {}

    /** Saves the model's parameters and buffers. */
    public static void save(Path path, Module model) throws IOException {
        save(path, model, Map.of(), Map.of());
    }

    /** Saves the model's parameters and buffers with extra named tensors and metadata strings. */
    public static void save(Path path, Module model, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) params.put(e.getKey(), e.getValue().value());
        TensorFile.write(path, new TensorFile.Contents(params, model.namedBuffers(), tensors, metadata));
    }

    /** Loads parameters and buffers into {@code model}; returns the whole file for its extra tensors and metadata. */
    public static TensorFile.Contents load(Path path, Module model) throws IOException {
        TensorFile.Contents c = TensorFile.read(path);
        checkFits(path, model, c);
        copyInto(model, c);
        return c;
    }

    /** A training checkpoint: model, optimizer state and metadata (epoch, RNG seed, model name...). */
    public static void saveCheckpoint(Path path, Module model, Optimizer optimizer, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) tensors.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        save(path, model, tensors, metadata);
    }

    /** Restores a checkpoint written by {@link #saveCheckpoint} into the model and optimizer; returns its metadata. */
    public static Map<String, String> loadCheckpoint(Path path, Module model, Optimizer optimizer) throws IOException {
        TensorFile.Contents c = TensorFile.read(path);
        checkFits(path, model, c);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER_PREFIX)) state.put(e.getKey().substring(OPTIMIZER_PREFIX.length()), e.getValue());
        }
        try {
            optimizer.loadState(state); // checks everything before changing anything
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
        copyInto(model, c);
        return c.metadata();
    }

    /** Every model entry is in the file with the same shape, and the file has no parameter or buffer the model lacks. */
    private static void checkFits(Path path, Module model, TensorFile.Contents c) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) params.put(e.getKey(), e.getValue().value());
        checkFits(path, "parameter", params, c.parameters());
        checkFits(path, "buffer", model.namedBuffers(), c.buffers());
    }

    private static void checkFits(Path path, String kind, Map<String, Tensor> model, Map<String, Tensor> file) {
        for (Map.Entry<String, Tensor> e : model.entrySet()) {
            Tensor found = file.get(e.getKey());
            if (found == null) throw new IllegalArgumentException(path + ": the model's " + kind + " \"" + e.getKey() + "\" is not in the file");
            if (!found.hasShape(e.getValue().shape())) {
                throw new IllegalArgumentException(path + ": " + kind + " \"" + e.getKey() + "\" has shape "
                        + Shapes.toString(e.getValue().shape()) + " in the model but " + Shapes.toString(found.shape()) + " in the file");
            }
        }
        for (String name : file.keySet()) {
            if (!model.containsKey(name)) throw new IllegalArgumentException(path + ": the file's " + kind + " \"" + name + "\" is not in the model");
        }
    }

    private static void copyInto(Module model, TensorFile.Contents c) {
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) e.getValue().value().copyFrom(c.parameters().get(e.getKey()));
        for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) e.getValue().copyFrom(c.buffers().get(e.getKey()));
    }
}
