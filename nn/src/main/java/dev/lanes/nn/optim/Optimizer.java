package dev.lanes.nn.optim;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates named parameters from their accumulated gradients. Built over {@code Map<String, Parameter>} as
 * {@link dev.lanes.nn.Module#namedParameters()} returns it (paths such as {@code "3.conv1.weight"}); the
 * {@code List<Parameter>} constructors name the parameters {@code "0"}, {@code "1"}, ... in order.
 *
 * <p>{@link #step()} skips frozen parameters ({@link Parameter#trainable()} false) and packed ones
 * ({@link Parameter#isPacked()}: their values are codes that a constrained method changes, not floats; their
 * gradients still accumulate for that method). Per-parameter state (momentum, Adam moments) is allocated the
 * first time a parameter is actually updated, so a frozen or packed parameter never costs optimizer memory.
 *
 * <p>{@link #state()} names every state tensor by kind and parameter path ({@code "m.3.conv1.weight"},
 * {@code "v.…"}, {@code "momentum.…"}), plus each such parameter's own update count {@code "t.<path>"} and
 * the global {@code "step"}; {@link #loadState} restores it into an optimizer of the same kind over
 * parameters with the same paths. State written before paths existed ({@code "m.3"}: kind and index) still
 * loads into an optimizer over the same parameters in the same order. Counters are stored as {@link #count}
 * tensors so that they survive a float32 container exactly. After model surgery, {@link #rebind} moves the
 * state to the new parameters by path. Hyper-parameters, groups and the learning rate are not state: the
 * caller rebuilds the optimizer with them and its schedule sets the rate.
 *
 * <p>{@link #setGroups} gives parameter groups their own weight decay and learning-rate scale.
 */
public abstract class Optimizer {
    private static final String STEP = "step";
    private static final String UPDATES = "t";

    /** One parameter with its path, state and effective hyper-parameters. */
    private static final class Entry {
        final String path;
        final Parameter param;
        Tensor[] slots; // null until the first update (always, for an optimizer without slots)
        long updates;
        float lrScale = 1f;
        float weightDecay;

        Entry(String path, Parameter param) {
            this.path = path;
            this.param = param;
        }
    }

    private final String[] slotNames;
    private final float weightDecay;
    private Entry[] entries;
    private Map<String, Integer> indexOfPath;
    private List<Parameter> params;
    private Map<String, Parameter> named;
    private List<ParamGroup> groups = List.of();
    private float learningRate;
    private long steps;

    /**
     * @param weightDecay the weight decay of parameters in no group
     * @param slotNames   the per-parameter state tensors this optimizer keeps, e.g. {"m", "v"}; may be empty
     */
    protected Optimizer(Map<String, Parameter> params, float learningRate, float weightDecay, String... slotNames) {
        if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " weight decay must be finite and >= 0 but is " + weightDecay);
        }
        this.slotNames = slotNames.clone();
        this.weightDecay = weightDecay;
        install(entriesOf(params));
        setLearningRate(learningRate);
    }

    /** Over a list: the parameters are named "0", "1", ... in order. */
    protected Optimizer(List<Parameter> params, float learningRate, float weightDecay, String... slotNames) {
        this(indexed(params), learningRate, weightDecay, slotNames);
    }

    /** {@code params} by their position, "0", "1", ...: the names the {@code List} constructors give. */
    public static Map<String, Parameter> indexed(List<Parameter> params) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) out.put(Integer.toString(i), params.get(i));
        return out;
    }

    private static Entry[] entriesOf(Map<String, Parameter> params) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Entry[] out = new Entry[params.size()];
        int i = 0;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String path = e.getKey();
            Parameter p = e.getValue();
            if (path == null || path.isEmpty()) throw new IllegalArgumentException("optimizer: a parameter has an empty path");
            if (p == null) throw new IllegalArgumentException("optimizer: parameter \"" + path + "\" is null");
            // Updating one parameter twice per step is never intended (PyTorch refuses it too).
            if (!seen.add(p)) throw new IllegalArgumentException("optimizer: parameter " + p + " is listed twice (again as \"" + path + "\")");
            out[i++] = new Entry(path, p);
        }
        return out;
    }

    private void install(Entry[] fresh) {
        Map<String, Integer> index = new LinkedHashMap<>();
        Map<String, Parameter> byPath = new LinkedHashMap<>();
        List<Parameter> list = new ArrayList<>();
        for (int i = 0; i < fresh.length; i++) {
            index.put(fresh[i].path, i);
            byPath.put(fresh[i].path, fresh[i].param);
            list.add(fresh[i].param);
        }
        this.entries = fresh;
        this.indexOfPath = index;
        this.named = Collections.unmodifiableMap(byPath);
        this.params = Collections.unmodifiableList(list);
        applyGroups();
    }

    /** Applies one update to every trainable dense parameter and advances the step counter. */
    public final void step() {
        steps++;
        Entry[] es = entries;
        for (int i = 0; i < es.length; i++) {
            Entry e = es[i];
            Parameter p = e.param;
            if (!p.trainable() || p.isPacked()) continue;
            if (slotNames.length > 0 && e.slots == null) {
                e.slots = new Tensor[slotNames.length];
                for (int s = 0; s < slotNames.length; s++) e.slots[s] = Tensor.zeros(p.shape());
                e.updates = 0;
            }
            e.updates++;
            update(i, p);
        }
    }

    /**
     * Updates parameter {@code index} (dense and trainable); its state tensors ({@link #slot}) exist and match
     * its shape. Value and gradient own their arrays from offset 0 (a {@link Parameter} guarantee), as do the
     * slots. Use {@link #learningRate(int)} and {@link #weightDecay(int)}, which include its group's settings.
     */
    protected abstract void update(int index, Parameter p);

    /** State tensor {@code slot} (index into the constructor's slot names) of parameter {@code index}. */
    protected final Tensor slot(int slot, int index) { return entries[index].slots[slot]; }

    /**
     * How many updates parameter {@code index} has received, this one included (1 on its first). Adam's bias
     * correction uses this rather than {@link #stepCount()}, so a parameter unfrozen late starts at t = 1,
     * as in PyTorch where each parameter keeps its own step.
     */
    protected final long updates(int index) { return entries[index].updates; }

    /** The learning rate of parameter {@code index}: the current rate times its group's scale. */
    protected final float learningRate(int index) { return learningRate * entries[index].lrScale; }

    /** The weight decay of parameter {@code index}: its group's, or the optimizer's. */
    protected final float weightDecay(int index) { return entries[index].weightDecay; }

    /** Zeroes the gradient of every parameter, frozen and packed ones included (cheap, and keeps unfreezing safe). */
    public void zeroGrad() {
        Entry[] es = entries;
        for (int i = 0; i < es.length; i++) es[i].param.zeroGrad(); // indexed: no iterator per step
    }

    public final float learningRate() { return learningRate; }

    public final void setLearningRate(float learningRate) {
        if (!(learningRate >= 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0 but is " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** The weight decay of parameters in no group. */
    public final float weightDecay() { return weightDecay; }

    /** Number of {@link #step()} calls so far (restored by {@link #loadState}). */
    public final long stepCount() { return steps; }

    /** The parameters in order. */
    public final List<Parameter> parameters() { return params; }

    /** The parameters by path, in order. */
    public final Map<String, Parameter> namedParameters() { return named; }

    /** Whether parameter {@code index} has optimizer state (never for one that was never updated). */
    public final boolean hasState(int index) { return entries[index].slots != null; }

    /** Whether the parameter at {@code path} has optimizer state; false for a path the optimizer lacks. */
    public final boolean hasState(String path) {
        Integer i = indexOfPath.get(path);
        return i != null && hasState(i);
    }

    /**
     * Forgets the state (moments, update count) of {@code p}, e.g. a parameter frozen for the rest of training,
     * so it costs no optimizer memory and no checkpoint entry; were it to train again it would start afresh, as
     * a new parameter. Returns whether it had state; a parameter this optimizer does not hold is refused.
     */
    public final boolean dropState(Parameter p) {
        for (Entry e : entries) {
            if (e.param != p) continue;
            boolean had = e.slots != null;
            e.slots = null;
            e.updates = 0;
            return had;
        }
        throw new IllegalArgumentException("optimizer: parameter " + p + " is not one of its " + entries.length + " parameters");
    }

    /**
     * Gives groups of parameters their own weight decay and learning-rate scale, replacing any groups set
     * before; each parameter takes the first group that contains it. A path-set group naming a path this
     * optimizer does not have is refused. Groups are configuration, not state: {@link #state()} ignores them.
     */
    public final Optimizer setGroups(ParamGroup... groups) {
        List<ParamGroup> list = List.of(groups);
        for (ParamGroup g : list) {
            if (g.paths() == null) continue;
            for (String path : g.paths()) {
                if (!indexOfPath.containsKey(path)) {
                    throw new IllegalArgumentException("optimizer: " + g + " names \"" + path + "\", which is not one of its parameters "
                            + indexOfPath.keySet());
                }
            }
        }
        this.groups = list;
        applyGroups();
        return this;
    }

    /** The groups set by {@link #setGroups}, in order. */
    public final List<ParamGroup> groups() { return groups; }

    /** The group of the parameter at {@code path}, or null when it is in none (or not in this optimizer). */
    public final ParamGroup groupOf(String path) {
        Integer i = indexOfPath.get(path);
        return i == null ? null : groupOf(entries[i]);
    }

    private ParamGroup groupOf(Entry e) {
        for (ParamGroup g : groups) if (g.contains(e.path, e.param)) return g;
        return null;
    }

    private void applyGroups() {
        for (Entry e : entries) {
            ParamGroup g = groupOf(e);
            e.lrScale = g == null ? 1f : g.lrScale();
            e.weightDecay = g != null && g.overridesWeightDecay() ? g.weightDecay() : weightDecay;
        }
    }

    /**
     * Re-binds the optimizer to the parameters of an edited model: a parameter whose path was here before
     * and whose shape is unchanged keeps its state (moments, update count); every other one starts fresh.
     * The step count and groups stay (groups are re-evaluated over the new parameters). Returns the paths
     * that kept their state. Nothing changes if {@code params} is refused (a parameter listed twice).
     */
    public final Set<String> rebind(Map<String, Parameter> params) {
        Entry[] fresh = entriesOf(params);
        Set<String> kept = new LinkedHashSet<>();
        for (Entry e : fresh) {
            Integer old = indexOfPath.get(e.path);
            if (old == null) continue;
            Entry o = entries[old];
            if (o.slots != null && Arrays.equals(o.param.shape(), e.param.shape())) {
                e.slots = o.slots;
                e.updates = o.updates;
                kept.add(e.path);
            }
        }
        install(fresh);
        return kept;
    }

    /** Copies of every state tensor, by name; parameters without state are absent. */
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(STEP, count(steps));
        for (Entry e : entries) {
            if (e.slots == null) continue;
            for (int s = 0; s < slotNames.length; s++) out.put(slotNames[s] + "." + e.path, e.slots[s].copy());
            out.put(UPDATES + "." + e.path, count(e.updates));
        }
        return out;
    }

    /**
     * Replaces all state with {@code state} (as returned by {@link #state()} of an optimizer of the same kind
     * over the same paths, or by an older build over the same parameters in the same order, keyed by index).
     * Everything is checked before anything changes: an unknown kind or path, a missing entry or a shape
     * that does not match the parameter is an IllegalArgumentException naming the entry.
     */
    public final void loadState(Map<String, Tensor> state) {
        Tensor step = state.get(STEP);
        if (step == null) throw new IllegalArgumentException("optimizer state: missing entry \"" + STEP + "\"");
        long newSteps = countValue(STEP, step);
        boolean byIndex = keyedByIndex(state);
        int n = entries.length;
        Tensor[][] newSlots = new Tensor[n][];
        long[] newUpdates = new long[n];
        boolean[] hasUpdates = new boolean[n];
        List<String> names = Arrays.asList(slotNames);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            if (key.equals(STEP)) continue;
            int dot = key.indexOf('.');
            String kind = dot < 0 ? key : key.substring(0, dot), path = dot < 0 ? "" : key.substring(dot + 1);
            Integer index = byIndex ? Integer.valueOf(parseIndex(path)) : indexOfPath.get(path);
            int s = names.indexOf(kind);
            if (dot < 0 || index == null || index < 0 || (s < 0 && !kind.equals(UPDATES))) {
                throw new IllegalArgumentException("optimizer state: unexpected entry \"" + key + "\" for "
                        + getClass().getSimpleName() + " over " + n + " parameters (expected " + STEP + ", and "
                        + String.join(", ", names) + (names.isEmpty() ? "" : ", ") + UPDATES
                        + " followed by a parameter path, or by an index in state written before paths)");
            }
            if (s < 0) {
                newUpdates[index] = countValue(key, e.getValue());
                hasUpdates[index] = true;
                continue;
            }
            Parameter p = entries[index].param;
            if (!e.getValue().hasShape(p.shape())) {
                throw new IllegalArgumentException("optimizer state: entry \"" + key + "\" has shape "
                        + Shapes.toString(e.getValue().shape()) + " but parameter \"" + entries[index].path + "\" (" + p.name()
                        + ") has shape " + Shapes.toString(p.shape()));
            }
            if (newSlots[index] == null) newSlots[index] = new Tensor[slotNames.length];
            newSlots[index][s] = e.getValue().copy();
        }
        for (int i = 0; i < n; i++) {
            if (!hasUpdates[i] && newSlots[i] == null) continue;
            String path = byIndex ? Integer.toString(i) : entries[i].path;
            if (!hasUpdates[i]) throw missing(UPDATES + "." + path);
            if (slotNames.length == 0) continue; // a counter without slots: nothing else to check
            for (int s = 0; s < slotNames.length; s++) {
                if (newSlots[i] == null || newSlots[i][s] == null) throw missing(slotNames[s] + "." + path);
            }
        }
        for (int i = 0; i < n; i++) {
            entries[i].slots = newSlots[i];
            entries[i].updates = hasUpdates[i] ? newUpdates[i] : 0;
        }
        steps = newSteps;
    }

    /**
     * Whether {@code state} uses the index keys of state written before paths ("m.3"): only when some key's
     * path is not one of ours and every key's path is a valid index. With list-built optimizers, whose paths
     * are the indices, both readings agree.
     */
    private boolean keyedByIndex(Map<String, Tensor> state) {
        boolean allPaths = true, allIndices = true;
        for (String key : state.keySet()) {
            if (key.equals(STEP)) continue;
            int dot = key.indexOf('.');
            String path = dot < 0 ? "" : key.substring(dot + 1);
            allPaths &= indexOfPath.containsKey(path);
            int i = parseIndex(path);
            allIndices &= i >= 0 && i < entries.length;
        }
        return !allPaths && allIndices;
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("optimizer state: missing entry \"" + key + "\"");
    }

    private static int parseIndex(String s) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
        return Integer.parseInt(s);
    }

    /**
     * A non-negative counter as a [2] tensor {high, low} of 24-bit halves: float32 holds integers exactly
     * only up to 2^24, which a long run could pass.
     */
    public static Tensor count(long n) {
        if (n < 0 || n >= 1L << 48) throw new IllegalArgumentException("counter out of range: " + n);
        return Tensor.of(new float[] {n >>> 24, n & 0xFFFFFF}, 2);
    }

    /** The counter stored by {@link #count}; {@code name} labels the message if the tensor is not one. */
    public static long countValue(String name, Tensor t) {
        if (!t.hasShape(2)) {
            throw new IllegalArgumentException("optimizer state: counter \"" + name + "\" must have shape [2] but has "
                    + Shapes.toString(t.shape()));
        }
        float hi = t.get(0), lo = t.get(1);
        if (!(hi >= 0 && lo >= 0 && lo < (1 << 24) && hi < (1 << 24)) || hi != (long) hi || lo != (long) lo) {
            throw new IllegalArgumentException("optimizer state: counter \"" + name + "\" holds " + hi + ", " + lo
                    + " which is not a valid count");
        }
        return ((long) hi << 24) | (long) lo;
    }
}
