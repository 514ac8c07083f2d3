package dev.lanes.nn.io;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.SpecJson;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.param.TernaryStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saving and loading a model's named parameters and buffers (BatchNorm running statistics) in the
 * {@link TensorFile} format, optionally with the architecture text (metadata {@value #ARCH}), extra tensors
 * and metadata; and training checkpoints that add the optimizer's state under the {@value #OPTIMIZER_PREFIX}
 * prefix. Packed ternary parameters are saved packed (codes and scales) and stay packed when loaded.
 *
 * <p>Failures are split by cause: a file that cannot be read as a Lanes model is a {@link CorruptFileException}
 * (an IOException) naming the file and byte offset — including a parameter or buffer value that is NaN or
 * infinite, since such a model is unusable; a valid file that does not fit the model (missing or extra
 * entry, different shape, dense where the model is packed) is an IllegalArgumentException naming the file,
 * the entry, and what the model and the file hold. Nothing in the model or optimizer changes unless the
 * whole file fits. {@link #read} returns a file's contents without a model, for callers that build the
 * model from its {@code arch} text first.
 */
public final class ModelFile {
    /** Name prefix of optimizer state tensors in a checkpoint. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";
    /** Metadata key of the architecture text (JSON), supplied by the caller. */
    public static final String ARCH = "arch";

    private ModelFile() {}

    /** Saves the model's parameters and buffers. */
    public static void save(Path path, Module model) throws IOException {
        save(path, model, Map.of(), Map.of());
    }

    /** Saves the model's parameters and buffers with its architecture text under metadata {@value #ARCH}. */
    public static void save(Path path, Module model, String arch) throws IOException {
        save(path, model, Map.of(), Map.of(ARCH, arch));
    }

    /**
     * Saves the model's parameters (packed ones packed) and buffers with extra named tensors and metadata
     * strings; {@code metadata} may carry the architecture text under {@value #ARCH}, which must not be blank.
     */
    public static void save(Path path, Module model, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        String arch = metadata.get(ARCH);
        if (arch != null && arch.isBlank()) throw new IllegalArgumentException(path + ": the architecture text (metadata \"" + ARCH + "\") is empty");
        if (arch == null) metadata = withArch(model, metadata);
        Map<String, Tensor> dense = new LinkedHashMap<>();
        Map<String, TernaryStorage> packed = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (p.isPacked()) packed.put(e.getKey(), p.ternary());
            else dense.put(e.getKey(), p.value());
        }
        TensorFile.write(path, new TensorFile.Contents(dense, model.namedBuffers(), tensors, metadata, packed));
    }

    /**
     * The metadata plus the model's architecture as JSON ({@link SpecJson}), so that the file can be rebuilt
     * without knowing how the model was made ({@link SavedModel#build}); a custom module that has no spec
     * is saved without one.
     */
    private static Map<String, String> withArch(Module model, Map<String, String> metadata) {
        String json;
        try {
            json = SpecJson.toJson(model.spec());
        } catch (UnsupportedOperationException e) {
            return metadata;
        }
        Map<String, String> out = new LinkedHashMap<>(metadata);
        out.put(ARCH, json);
        return out;
    }

    /**
     * Reads a model file or checkpoint without a model: its architecture text (if any), metadata and tensors,
     * fully validated (non-finite parameter or buffer values are refused).
     */
    public static SavedModel read(Path path) throws IOException {
        TensorFile.Contents c = TensorFile.readModel(path);
        String arch = c.metadata().get(ARCH);
        if (arch != null && arch.isBlank()) {
            throw new IllegalArgumentException(path + ": the architecture text (metadata \"" + ARCH + "\") is empty");
        }
        return new SavedModel(path, c);
    }

    /** Loads parameters and buffers into {@code model}; returns the whole file for its extra tensors and metadata. */
    public static TensorFile.Contents load(Path path, Module model) throws IOException {
        SavedModel saved = read(path);
        saved.loadInto(model);
        return saved.contents();
    }

    /** A training checkpoint: model, optimizer state and metadata (epoch, RNG seed, model name, {@value #ARCH}...). */
    public static void saveCheckpoint(Path path, Module model, Optimizer optimizer, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) tensors.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        save(path, model, tensors, metadata);
    }

    /**
     * Restores a checkpoint written by {@link #saveCheckpoint} into the model and optimizer; returns its metadata.
     * Optimizer state keyed by parameter index (checkpoints made before state was keyed by path) still loads
     * into an optimizer over the same parameters in the same order.
     */
    public static Map<String, String> loadCheckpoint(Path path, Module model, Optimizer optimizer) throws IOException {
        SavedModel saved = read(path);
        saved.loadInto(model, optimizer);
        return saved.metadata();
    }
}
