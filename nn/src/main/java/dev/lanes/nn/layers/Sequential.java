package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Flops;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.arch.SequenceSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named children applied one after another; backward runs them in reverse.
 *
 * <p>When the caller needs no input gradient (the whole network, or the suffix after a cached prefix),
 * backward stops at the first child that has a trainable parameter and asks it for no dx: the leading
 * children with nothing to learn get no backward work at all.
 *
 * <p>{@link #split} and {@link #stages} give views over the same module objects (not copies), so training a
 * suffix trains the model; {@link #set} replaces a child in place.
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private Parameter[][] childParameters; // per child, for firstNeedingBackward
    private int childParametersEdit = -1;  // the value of edits when childParameters was listed
    /** Counts edits of any Sequential's children, so a cached list is redone also after a nested set(). */
    private static int edits;

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a child named by its position ("0", "1", ...). */
    public Sequential add(Module m) {
        return add(Integer.toString(layers.size()), m);
    }

    /** Appends a child under a name used in parameter paths (e.g. "conv1" gives "conv1.weight"). */
    public Sequential add(String name, Module m) {
        if (m == null) throw new IllegalArgumentException("Sequential: module '" + name + "' is null");
        if (name == null || name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("Sequential: child name '" + name + "' must be non-empty without '.'");
        if (names.contains(name)) throw new IllegalArgumentException("Sequential: duplicate child name '" + name + "'");
        layers.add(m);
        names.add(name);
        m.setTraining(isTraining());
        edits++;
        return this;
    }

    /** Replaces the child at {@code index} (keeping its name); returns the old one. */
    public Module set(int index, Module m) {
        if (index < 0 || index >= layers.size()) throw new IllegalArgumentException("Sequential: no child " + index + " in " + layers.size() + " children " + names);
        if (m == null) throw new IllegalArgumentException("Sequential: module for child '" + names.get(index) + "' is null");
        m.setTraining(isTraining());
        edits++;
        return layers.set(index, m);
    }

    /** Replaces the child named {@code name}; returns the old one. */
    public Module set(String name, Module m) {
        return set(indexOf(name), m);
    }

    /** The position of the child named {@code name}. */
    public int indexOf(String name) {
        int i = names.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("Sequential: no child named '" + name + "' among " + names);
        return i;
    }

    public Module get(int index) { return layers.get(index); }

    public Module get(String name) { return layers.get(indexOf(name)); }

    public int size() { return layers.size(); }

    /**
     * The first {@code k} children and the rest, as two Sequentials over the same module objects with the
     * same names: {@code suffix.forward(prefix.forward(x))} is {@code forward(x)}, and parameter paths inside
     * each part are this model's paths without the part's own prefix.
     */
    public Sequential[] split(int k) {
        if (k < 0 || k > layers.size()) throw new IllegalArgumentException("Sequential: cannot split " + layers.size() + " children at " + k);
        return new Sequential[]{range(0, k), range(k, layers.size())};
    }

    private Sequential range(int from, int to) {
        Sequential s = new Sequential();
        s.setTraining(isTraining());
        for (int i = from; i < to; i++) s.add(names.get(i), layers.get(i));
        return s;
    }

    /** The stages: the top-level children by name, in order (the modules themselves, not copies; read-only). */
    public Map<String, Module> stages() {
        Map<String, Module> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) out.put(names.get(i), layers.get(i));
        return Collections.unmodifiableMap(out);
    }

    /** The children's specs under their names. */
    @Override
    public SequenceSpec spec() {
        List<SequenceSpec.Child> kids = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) kids.add(new SequenceSpec.Child(names.get(i), layers.get(i).spec()));
        return new SequenceSpec(kids);
    }

    @Override
    public List<Module> children() { return Collections.unmodifiableList(layers); }

    @Override
    public List<String> childNames() { return Collections.unmodifiableList(names); }

    @Override
    public int[] outputShape(int[] inputShape) {
        int[] s = inputShape;
        for (Module m : layers) s = m.outputShape(s);
        return s.clone();
    }

    @Override
    public long flops(int[] inputShape) {
        long f = 0;
        int[] s = inputShape;
        for (Module m : layers) {
            f += m.flops(s);
            s = m.outputShape(s);
        }
        return f;
    }

    /** The children's counts, each asked for dx exactly when {@link #backward} would ask; skipped children do no backward work. */
    @Override
    public Flops trainingFlops(int[] inputShape, boolean needDx) {
        int first = needDx ? 0 : firstNeedingBackward();
        Flops total = Flops.ZERO;
        int[] s = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            total = total.plus(i < first ? new Flops(m.flops(s), 0, 0) : m.trainingFlops(s, i > first || needDx));
            s = m.outputShape(s);
        }
        return total;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) x = layers.get(i).forward(x); // indexed: no iterator per step
        return x;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needDx) {
        int first = needDx ? 0 : firstNeedingBackward();
        for (int i = layers.size() - 1; i >= first; i--) dy = layers.get(i).backward(dy, i > first || needDx);
        return needDx ? dy : null;
    }

    /** The first child with a trainable parameter (size() when there is none). */
    private int firstNeedingBackward() {
        if (childParametersEdit != edits) {
            // a module's parameter objects are fixed at its construction, so list them once per set of children
            childParametersEdit = edits;
            childParameters = new Parameter[layers.size()][];
            for (int i = 0; i < layers.size(); i++) childParameters[i] = layers.get(i).parameters().toArray(new Parameter[0]);
        }
        for (int i = 0; i < childParameters.length; i++) {
            for (Parameter p : childParameters[i]) {
                if (p.trainable()) return i;
            }
        }
        return layers.size();
    }

    @Override
    public String describe() { return "Sequential(" + layers.size() + " layers)"; }
}
