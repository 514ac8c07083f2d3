package dev.lanes.nn;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.arch.LayerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or a composition of layers with a hand-written backward pass.
 *
 * <p>{@link #forward} caches what {@link #backward} needs; {@link #backward} takes dL/dy of the last forward
 * and returns dL/dx, accumulating into every trainable parameter's gradient. Modules own their output and
 * gradient buffers and reuse them while the input shape stays the same, so a steady-state training step
 * allocates nothing: a returned tensor is valid until the module's next forward (or backward).
 *
 * <p>Shapes are NCHW for images and [N, features] after flattening. Nothing in a module depends on a fixed
 * batch size or image resolution: {@link #outputShape}, {@link #flops} and {@link #parameterCount} are
 * functions of the input shape.
 */
public abstract class Module {
    private boolean training = true;

    /** y = f(x); caches what backward needs when in training mode. */
    public abstract Tensor forward(Tensor x);

    /**
     * dx from dy (the gradient of the loss w.r.t. the last forward's output), accumulating into the gradient
     * of every trainable parameter. The caller decides whether it needs dx: the first layer of a network (or
     * the first one after a frozen or cached prefix) does not, and skipping it saves a whole backward-data
     * pass; then this returns null. Composites pass {@code needDx} to their first child and true to the rest.
     */
    public abstract Tensor backward(Tensor dy, boolean needDx);

    /**
     * The architecture of this module as a value: its kind and hyper-parameters, no parameters or state. A
     * composite's spec holds its children's, under their names, so {@code Arch.build(m.spec(), seed)} builds
     * a module with the same structure and parameter paths.
     */
    public abstract LayerSpec spec();

    /** The output shape for an input of the given shape; throws IllegalArgumentException naming both. */
    public abstract int[] outputShape(int[] inputShape);

    /** Forward floating-point operations (a multiply-add counts two) for one input of the given shape. */
    public abstract long flops(int[] inputShape);

    /**
     * The work of one training step on an input of this shape: the forward pass; dx only when
     * {@code needDx}; parameter gradients only for parameters that train. This default charges each backward
     * direction as much as the forward (the "3 × forward" rule); layers and composites override it with
     * their exact counts.
     */
    public Flops trainingFlops(int[] inputShape, boolean needDx) {
        long f = flops(inputShape);
        boolean trains = false;
        for (Parameter p : parameters()) trains |= p.trainable();
        return new Flops(f, needDx ? f : 0, trains ? f : 0);
    }

    /** This module's own parameters, not those of its children. */
    protected List<Parameter> ownParameters() { return List.of(); }

    /** Non-learnable state saved with the model (BatchNorm running statistics), by local name. */
    protected Map<String, Tensor> ownBuffers() { return Map.of(); }

    /** Direct children, in forward order. */
    public List<Module> children() { return List.of(); }

    /** Names of the children for parameter paths, parallel to {@link #children()}; default "0", "1", ... */
    public List<String> childNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < children().size(); i++) names.add(Integer.toString(i));
        return names;
    }

    /**
     * This module and every descendant by dotted path, in forward order (depth first, a parent before its
     * children): {@code ""} is this module, {@code "layer1.0.main.conv1"} a nested one. Parameter paths are
     * a module's path, a dot, and the parameter's name.
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out);
        return out;
    }

    private static void collectModules(String path, Module m, Map<String, Module> out) {
        out.put(path, m);
        List<Module> kids = m.children();
        List<String> names = m.childNames();
        for (int i = 0; i < kids.size(); i++) collectModules(path.isEmpty() ? names.get(i) : path + "." + names.get(i), kids.get(i), out);
    }

    /** Every parameter under a dotted path such as {@code "3.conv1.weight"}, in forward order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectNamed("", out, new LinkedHashMap<>());
        return out;
    }

    /** Every buffer (e.g. {@code "1.running_mean"}) under a dotted path, in forward order. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectNamed("", new LinkedHashMap<>(), out);
        return out;
    }

    private void collectNamed(String prefix, Map<String, Parameter> params, Map<String, Tensor> buffers) {
        for (Parameter p : ownParameters()) params.put(prefix + p.name(), p);
        for (Map.Entry<String, Tensor> e : ownBuffers().entrySet()) buffers.put(prefix + e.getKey(), e.getValue());
        List<Module> kids = children();
        List<String> names = childNames();
        for (int i = 0; i < kids.size(); i++) kids.get(i).collectNamed(prefix + names.get(i) + ".", params, buffers);
    }

    /** Every parameter of this module and its descendants, in a stable order (forward order). */
    public final List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        collect(out);
        return out;
    }

    private void collect(List<Parameter> out) {
        out.addAll(ownParameters());
        for (Module m : children()) m.collect(out);
    }

    /** Total number of parameter values. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.size();
        return n;
    }

    /** Training mode: batch statistics in BN, dropout active, caches kept for backward. */
    public final Module train() { setTraining(true); return this; }

    /** Inference mode: running statistics in BN, dropout off. */
    public final Module eval() { setTraining(false); return this; }

    public final boolean isTraining() { return training; }

    public void setTraining(boolean training) {
        this.training = training;
        for (Module m : children()) m.setTraining(training);
    }

    /** Zeroes the gradient of every parameter (backward adds into them). */
    public final void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** A copy of every parameter and buffer by path ({@link StateDict#of}). */
    public final Map<String, Tensor> stateDict() { return StateDict.of(this); }

    /** Copies a state dict in ({@link StateDict#load}); {@code strict} refuses any entry that does not fit. */
    public final StateDict.LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        return StateDict.load(this, state, strict);
    }

    /** Freezes or unfreezes every parameter of this module and its descendants. */
    public final void setTrainable(boolean trainable) {
        for (Parameter p : parameters()) p.setTrainable(trainable);
    }

    /** A short description for {@code inspect}: the layer kind and its hyper-parameters. */
    public String describe() { return getClass().getSimpleName(); }

    protected static IllegalArgumentException shapeError(Module m, int[] inputShape, String expected) {
        return new IllegalArgumentException(m.describe() + ": input shape " + Shapes.toString(inputShape) + " but expected " + expected);
    }
}
