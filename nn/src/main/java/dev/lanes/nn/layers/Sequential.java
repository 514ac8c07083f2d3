package dev.lanes.nn.layers;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Children applied one after another; backward runs them in reverse.
 *
 * <p>When the Sequential itself needs no input gradient (the whole network, or a frozen prefix of it),
 * backward stops at the first child that has a trainable parameter and tells that child not to compute dx:
 * the leading children with nothing to learn get no backward work at all.
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private Parameter[][] childParameters; // per child, for firstNeedingBackward; rebuilt when children are added

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
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("Sequential: child name '" + name + "' must be non-empty without '.'");
        if (names.contains(name)) throw new IllegalArgumentException("Sequential: duplicate child name '" + name + "'");
        layers.add(m);
        names.add(name);
        m.setTraining(isTraining());
        return this;
    }

    public Module get(int index) { return layers.get(index); }

    public int size() { return layers.size(); }

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

    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) x = layers.get(i).forward(x); // indexed: no iterator per step
        return x;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int first = firstNeedingBackward();
        for (int i = layers.size() - 1; i >= first; i--) {
            Module m = layers.get(i);
            boolean needDx = i > first || inputGradNeeded();
            if (m.inputGradNeeded() != needDx) m.setInputGradNeeded(needDx);
            dy = m.backward(dy);
        }
        return inputGradNeeded() ? dy : null;
    }

    /** 0 when dx is wanted, else the first child with a trainable parameter (size() when there is none). */
    private int firstNeedingBackward() {
        if (inputGradNeeded()) return 0;
        if (childParameters == null || childParameters.length != layers.size()) {
            // a child's parameter objects never change (Parameter.replace swaps their tensors), so list them once
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
