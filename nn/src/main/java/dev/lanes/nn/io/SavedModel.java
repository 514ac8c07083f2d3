package dev.lanes.nn.io;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.ternary.TernaryBase3;
import dev.lanes.nn.Module;
import dev.lanes.nn.arch.Arch;
import dev.lanes.nn.arch.LayerSpec;
import dev.lanes.nn.arch.SpecJson;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.optim.Optimizer;
import dev.lanes.nn.param.TernaryStorage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model file or checkpoint as read by {@link ModelFile#read}: validated contents that can be loaded into a
 * model (built, e.g., from {@link #arch()}). Loading checks that every entry fits before anything changes.
 * A dense model parameter takes the file's storage: a packed entry makes it packed. A packed model parameter
 * needs a packed entry of the same granularity: loading floats into it would drop its constraint. Names
 * written by earlier versions (BatchNorm's {@code gamma}...) are translated to the model's when loading.
 */
public record SavedModel(Path file, TensorFile.Contents contents) {
    /** The architecture text the file was saved with (metadata {@value ModelFile#ARCH}), if any. */
    public Optional<String> arch() { return Optional.ofNullable(contents.metadata().get(ModelFile.ARCH)); }

    /** Every metadata string, {@value ModelFile#ARCH} included. */
    public Map<String, String> metadata() { return contents.metadata(); }

    /** The optimizer state of a checkpoint, by the names {@link Optimizer#state()} gives (empty for a model file). */
    public Map<String, Tensor> optimizerState() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : contents.tensors().entrySet()) {
            if (e.getKey().startsWith(ModelFile.OPTIMIZER_PREFIX)) state.put(e.getKey().substring(ModelFile.OPTIMIZER_PREFIX.length()), e.getValue());
        }
        return state;
    }

    /**
     * Bytes of parameter values in the file: 4 per float of a dense parameter; 4 per scale and 4 per code
     * word (20 codes) of a packed one. Names, shapes, buffers and other entries are not counted.
     */
    public long parameterBytes() {
        long bytes = 0;
        for (Tensor t : contents.parameters().values()) bytes += 4L * t.size();
        for (TernaryStorage t : contents.packed().values()) bytes += 4L * t.scaleCount() + 4L * TernaryBase3.words(t.size());
        return bytes;
    }

    /**
     * A model rebuilt from the file alone: its architecture ({@link #arch}, written by every save since the
     * architecture became a value) built by {@link Arch#build} and the file's parameters and buffers loaded
     * into it, packed ones packed. Pruned, rescaled and ternary models come back as they were saved.
     */
    public Module build() {
        String json = arch().orElseThrow(() -> new IllegalArgumentException(file + ": the file has no architecture (metadata \""
                + ModelFile.ARCH + "\"); it was written before models carried one: rebuild it by its zoo name"));
        LayerSpec spec;
        try {
            spec = SpecJson.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": metadata \"" + ModelFile.ARCH + "\": " + e.getMessage(), e);
        }
        Module model = Arch.build(spec, 0);
        loadInto(model);
        return model;
    }

    /** Loads parameters and buffers into {@code model}; nothing changes unless all of them fit. */
    public void loadInto(Module model) {
        forModel(model).load(model);
    }

    private void load(Module model) {
        checkFits(model);
        copyInto(model);
    }

    /** This file with entry names of earlier versions translated to the model's ({@link LegacyNames}). */
    private SavedModel forModel(Module model) {
        TensorFile.Contents c = LegacyNames.translate(contents, model);
        return c == contents ? this : new SavedModel(file, c);
    }

    /** Loads a checkpoint into {@code model} and {@code optimizer}; nothing changes unless all of it fits. */
    public void loadInto(Module model, Optimizer optimizer) {
        forModel(model).load(model, optimizer);
    }

    private void load(Module model, Optimizer optimizer) {
        checkFits(model);
        try {
            optimizer.loadState(optimizerState()); // checks everything before changing anything
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        copyInto(model);
    }

    /** Every model entry is in the file with the same shape and a storage it can take; the file has nothing the model lacks. */
    private void checkFits(Module model) {
        Map<String, Parameter> params = model.namedParameters();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            Tensor dense = contents.parameters().get(name);
            TernaryStorage packed = contents.packed().get(name);
            if (dense == null && packed == null) throw new IllegalArgumentException(file + ": the model's parameter \"" + name + "\" is not in the file");
            int[] found = dense != null ? dense.shape() : packed.shape();
            if (!java.util.Arrays.equals(found, p.shape())) throw shapeMismatch("parameter", name, p.shape(), found);
            if (dense != null) requireFinite("parameter", name, dense);
            if (p.isPacked() && dense != null) {
                throw new IllegalArgumentException(file + ": parameter \"" + name + "\" is packed ternary (" + p.ternary().granularity()
                        + ") in the model but dense float in the file");
            }
            if (p.isPacked() && packed.granularity() != p.ternary().granularity()) {
                throw new IllegalArgumentException(file + ": parameter \"" + name + "\" is ternary " + p.ternary().granularity()
                        + " in the model but " + packed.granularity() + " in the file");
            }
        }
        Set<String> inFile = new LinkedHashSet<>(contents.parameters().keySet());
        inFile.addAll(contents.packed().keySet());
        for (String name : inFile) {
            if (!params.containsKey(name)) throw new IllegalArgumentException(file + ": the file's parameter \"" + name + "\" is not in the model");
        }
        Map<String, Tensor> buffers = model.namedBuffers();
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            Tensor found = contents.buffers().get(e.getKey());
            if (found == null) throw new IllegalArgumentException(file + ": the model's buffer \"" + e.getKey() + "\" is not in the file");
            if (!found.sameShape(e.getValue())) throw shapeMismatch("buffer", e.getKey(), e.getValue().shape(), found.shape());
            requireFinite("buffer", e.getKey(), found);
        }
        for (String name : contents.buffers().keySet()) {
            if (!buffers.containsKey(name)) throw new IllegalArgumentException(file + ": the file's buffer \"" + name + "\" is not in the model");
        }
    }

    /** A NaN or infinite weight would evaluate to "loss NaN" without a word: refuse it, naming where it is. */
    private void requireFinite(String kind, String name, Tensor t) {
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) {
            float v = d[t.offset() + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(file + ": " + kind + " \"" + name + "\" holds " + v + " at element " + i
                        + " of " + t.size() + "; the saved model is unusable (did its training diverge?)");
            }
        }
    }

    private IllegalArgumentException shapeMismatch(String kind, String name, int[] model, int[] found) {
        return new IllegalArgumentException(file + ": " + kind + " \"" + name + "\" has shape " + Shapes.toString(model)
                + " in the model but " + Shapes.toString(found) + " in the file");
    }

    private void copyInto(Module model) {
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            TernaryStorage packed = contents.packed().get(e.getKey());
            if (packed == null) p.value().copyFrom(contents.parameters().get(e.getKey()));
            else if (p.isPacked()) p.ternary().copyFrom(packed);
            else p.setStorage(packed.copy());
        }
        for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) e.getValue().copyFrom(contents.buffers().get(e.getKey()));
    }
}
