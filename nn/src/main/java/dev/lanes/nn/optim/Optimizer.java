package dev.lanes.nn.optim;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates a fixed list of parameters from their accumulated gradients.
 *
 * <p>{@link #step()} skips frozen parameters ({@link Parameter#trainable()} false) entirely, and per-parameter
 * state (momentum, Adam moments) is allocated the first time a parameter is actually updated, so a frozen
 * parameter never costs optimizer memory. A parameter whose shape changes ({@link Parameter#replace}, e.g.
 * after channel pruning) starts its state afresh, since the old moments no longer line up with its entries.
 *
 * <p>{@link #state()} names every state tensor by kind and parameter index ({@code "m.3"}, {@code "v.3"},
 * {@code "momentum.0"}), plus each such parameter's own update count {@code "t.3"} and the global
 * {@code "step"}; {@link #loadState} restores it into an optimizer of the same kind built over the same
 * parameter list, for checkpoint and resume. Counters are stored as {@link #count} tensors so that they
 * survive a float32 container exactly. Hyper-parameters and the learning rate are not state: the caller
 * rebuilds the optimizer with them and its schedule sets the rate.
 */
public abstract class Optimizer {
    private static final String STEP = "step";
    private static final String UPDATES = "t";
    private final List<Parameter> params;
    private final String[] slotNames;
    private final Tensor[][] slots;
    private final long[] updates;
    private float learningRate;
    private long steps;

    /** @param slotNames the per-parameter state tensors this optimizer keeps, e.g. {"m", "v"}; may be empty */
    protected Optimizer(List<Parameter> params, float learningRate, String... slotNames) {
        this.params = List.copyOf(params);
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : this.params) {
            // Updating one parameter twice per step is never intended (PyTorch refuses it too).
            if (!seen.add(p)) throw new IllegalArgumentException("optimizer: parameter " + p + " is listed twice");
        }
        this.slotNames = slotNames.clone();
        this.slots = new Tensor[slotNames.length][this.params.size()];
        this.updates = new long[this.params.size()];
        setLearningRate(learningRate);
    }

    /** Applies one update to every trainable parameter and advances the step counter. */
    public final void step() {
        steps++;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!p.trainable()) continue;
            if (slotNames.length > 0 && (slots[0][i] == null || !slots[0][i].sameShape(p.value()))) {
                for (Tensor[] slot : slots) slot[i] = Tensor.zeros(p.shape());
                updates[i] = 0;
            }
            updates[i]++;
            update(i, p);
        }
    }

    /**
     * Updates parameter {@code index}; its state tensors ({@link #slot}) exist and match its shape. Value and
     * gradient own their arrays from offset 0 (a {@link Parameter} guarantee), as do the slots.
     */
    protected abstract void update(int index, Parameter p);

    /** State tensor {@code slot} (index into the constructor's slot names) of parameter {@code index}. */
    protected final Tensor slot(int slot, int index) { return slots[slot][index]; }

    /**
     * How many updates parameter {@code index} has received, this one included (1 on its first). Adam's bias
     * correction uses this rather than {@link #stepCount()}, so a parameter unfrozen late starts at t = 1,
     * as in PyTorch where each parameter keeps its own step.
     */
    protected final long updates(int index) { return updates[index]; }

    /** Zeroes the gradient of every parameter, frozen ones included (cheap, and keeps unfreezing safe). */
    public void zeroGrad() {
        for (int i = 0; i < params.size(); i++) params.get(i).zeroGrad(); // indexed: no iterator per step
    }

    public final float learningRate() { return learningRate; }

    public final void setLearningRate(float learningRate) {
        if (!(learningRate >= 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0 but is " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** Number of {@link #step()} calls so far (restored by {@link #loadState}). */
    public final long stepCount() { return steps; }

    public final List<Parameter> parameters() { return params; }

    /** Whether parameter {@code index} has optimizer state (never for one that was never updated). */
    public final boolean hasState(int index) {
        return slotNames.length > 0 && slots[0][index] != null;
    }

    /** Copies of every state tensor, by name; parameters without state are absent. */
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(STEP, count(steps));
        for (int i = 0; i < params.size(); i++) {
            if (!hasState(i)) continue;
            for (int s = 0; s < slotNames.length; s++) out.put(slotNames[s] + "." + i, slots[s][i].copy());
            out.put(UPDATES + "." + i, count(updates[i]));
        }
        return out;
    }

    /**
     * Replaces all state with {@code state} (as returned by {@link #state()} of an optimizer of the same kind
     * over the same parameters). Everything is checked before anything changes: an unknown name, a parameter
     * index out of range, a missing entry or a shape that does not match the parameter is an
     * IllegalArgumentException naming the entry.
     */
    public final void loadState(Map<String, Tensor> state) {
        Tensor step = state.get(STEP);
        if (step == null) throw new IllegalArgumentException("optimizer state: missing entry \"" + STEP + "\"");
        long newSteps = countValue(STEP, step);
        Tensor[][] newSlots = new Tensor[slotNames.length][params.size()];
        long[] newUpdates = new long[params.size()];
        boolean[] hasUpdates = new boolean[params.size()];
        List<String> names = Arrays.asList(slotNames);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            if (key.equals(STEP)) continue;
            int dot = key.lastIndexOf('.');
            int index = dot < 0 ? -1 : parseIndex(key.substring(dot + 1));
            String kind = dot < 0 ? key : key.substring(0, dot);
            int s = names.indexOf(kind);
            if (index < 0 || index >= params.size() || (s < 0 && !kind.equals(UPDATES))) {
                throw new IllegalArgumentException("optimizer state: unexpected entry \"" + key + "\" for "
                        + getClass().getSimpleName() + " over " + params.size() + " parameters (expected "
                        + STEP + ", " + String.join(", ", names) + (names.isEmpty() ? "" : ", ") + UPDATES + " by index)");
            }
            if (s < 0) {
                newUpdates[index] = countValue(key, e.getValue());
                hasUpdates[index] = true;
                continue;
            }
            Parameter p = params.get(index);
            if (!e.getValue().hasShape(p.shape())) {
                throw new IllegalArgumentException("optimizer state: entry \"" + key + "\" has shape "
                        + Shapes.toString(e.getValue().shape()) + " but parameter " + index + " (" + p.name()
                        + ") has shape " + Shapes.toString(p.shape()));
            }
            newSlots[s][index] = e.getValue().copy();
        }
        for (int i = 0; i < params.size(); i++) {
            boolean any = hasUpdates[i];
            for (Tensor[] slot : newSlots) any |= slot[i] != null;
            if (!any) continue;
            if (!hasUpdates[i]) throw missing(UPDATES + "." + i);
            for (int s = 0; s < slotNames.length; s++) if (newSlots[s][i] == null) throw missing(slotNames[s] + "." + i);
        }
        for (int s = 0; s < slotNames.length; s++) System.arraycopy(newSlots[s], 0, slots[s], 0, params.size());
        System.arraycopy(newUpdates, 0, updates, 0, params.size());
        steps = newSteps;
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("optimizer state: missing entry \"" + key + "\"");
    }

    private static int parseIndex(String s) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) return -1;
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
