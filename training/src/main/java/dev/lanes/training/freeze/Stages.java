package dev.lanes.training.freeze;

import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import dev.lanes.nn.layers.Conv2d;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.layers.Sequential;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A model seen as the stages a freezing method scores and freezes. The model's nested {@link Sequential}s are
 * flattened into <em>units</em> (every other module, a {@link Residual} block included, is one unit), and the
 * units are grouped into stages: each stage starts at a unit with weights (a {@link Conv2d}, a {@link Linear}
 * or a residual block) and takes the parameterless or normalising units after it (BN, ReLU, pooling,
 * flatten). So VGG's conv-BN-ReLU(-pool) is one stage, each ResNet block is one, and the classifier is the last.
 *
 * <p>{@link #units} is a flat {@link Sequential} over the model's own module objects: running it is running
 * the model (the same layer calls in the same order, bit for bit), and splitting it at a stage boundary gives
 * the frozen prefix and the suffix that trains. The model itself is never changed, so evaluation and saving
 * see the whole model with its own parameter paths.
 */
public final class Stages {
    private final Sequential units;
    private final List<String> unitPaths;
    private final int[] firstUnit; // per stage, plus units.size() at the end
    private final List<List<Parameter>> parameters;

    private Stages(Sequential units, List<String> unitPaths, int[] firstUnit) {
        this.units = units;
        this.unitPaths = List.copyOf(unitPaths);
        this.firstUnit = firstUnit;
        List<List<Parameter>> ps = new ArrayList<>();
        for (int s = 0; s + 1 < firstUnit.length; s++) {
            List<Parameter> p = new ArrayList<>();
            for (int u = firstUnit[s]; u < firstUnit[s + 1]; u++) p.addAll(units.get(u).parameters());
            ps.add(Collections.unmodifiableList(p));
        }
        this.parameters = Collections.unmodifiableList(ps);
    }

    /** The stages of {@code model}, which must be a Sequential with at least two stages (something to freeze and a head). */
    public static Stages of(Module model) {
        if (!(model instanceof Sequential root)) throw new IllegalArgumentException("freezing needs a Sequential model but got " + model.describe());
        List<Module> flat = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        flatten(root, "", flat, paths);
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        boolean hasWeights = false;
        for (int u = 0; u < flat.size(); u++) {
            boolean weighted = flat.get(u) instanceof Conv2d || flat.get(u) instanceof Linear || flat.get(u) instanceof Residual;
            if (weighted && hasWeights) starts.add(u);
            hasWeights |= weighted;
        }
        if (starts.size() < 2) {
            throw new IllegalArgumentException("freezing needs at least two stages (a conv, linear or residual layer before the head) but "
                    + model.describe() + " has " + starts.size());
        }
        int[] first = new int[starts.size() + 1];
        for (int i = 0; i < starts.size(); i++) first[i] = starts.get(i);
        first[starts.size()] = flat.size();
        Sequential units = new Sequential();
        for (int u = 0; u < flat.size(); u++) units.add(paths.get(u).replace('.', '_'), flat.get(u));
        units.setTraining(model.isTraining());
        return new Stages(units, paths, first);
    }

    private static void flatten(Sequential s, String prefix, List<Module> out, List<String> paths) {
        List<Module> kids = s.children();
        List<String> names = s.childNames();
        for (int i = 0; i < kids.size(); i++) {
            String path = prefix + names.get(i);
            if (kids.get(i) instanceof Sequential inner) flatten(inner, path + ".", out, paths);
            else {
                out.add(kids.get(i));
                paths.add(path);
            }
        }
    }

    /** The flat view over the model's units (the same module objects). */
    public Sequential units() { return units; }

    public int count() { return firstUnit.length - 1; }

    public int unitCount() { return units.size(); }

    /** The first unit of stage {@code stage}; {@code firstUnit(count())} is {@link #unitCount()}. */
    public int firstUnit(int stage) {
        if (stage < 0 || stage > count()) throw new IllegalArgumentException("stage " + stage + " outside 0.." + count());
        return firstUnit[stage];
    }

    /** The model path of unit {@code u}, e.g. {@code "features.4"} or {@code "layer2.0"}. */
    public String unitPath(int u) { return unitPaths.get(u); }

    /** "path of its first unit" .. "path of its last unit", for logs. */
    public String name(int stage) {
        String a = unitPath(firstUnit(stage)), b = unitPath(firstUnit(stage + 1) - 1);
        return a.equals(b) ? a : a + ".." + b;
    }

    /** The parameters of stage {@code stage} (every parameter of its units). */
    public List<Parameter> parameters(int stage) { return parameters.get(stage); }

    /** The live value tensors of every stage's parameters, for {@link StageScorer}. */
    public List<List<dev.lanes.engine.Tensor>> values() {
        List<List<dev.lanes.engine.Tensor>> out = new ArrayList<>();
        for (List<Parameter> ps : parameters) {
            List<dev.lanes.engine.Tensor> v = new ArrayList<>();
            for (Parameter p : ps) v.add(p.value());
            out.add(v);
        }
        return out;
    }
}
