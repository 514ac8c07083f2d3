package dev.lanes.nn;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.param.Constraint;
import dev.lanes.nn.param.DenseStorage;
import dev.lanes.nn.param.ParameterStorage;
import dev.lanes.nn.param.TernaryStorage;

/**
 * A learnable tensor: its storage, its gradient (same shape, accumulated by backward passes) and a
 * {@code trainable} flag. A frozen parameter ({@code trainable == false}) gets no gradient work at all:
 * layers skip computing its gradient and optimizers skip it. The shape never changes; model surgery makes
 * new parameters.
 *
 * <p>The storage is dense floats, or packed ternary codes with scales ({@link TernaryStorage}) for a
 * parameter constrained to {−α, 0, +α} ({@link #constrain}). Either way {@link #value()} is a float tensor
 * that every kernel reads; for packed storage it is decoded from the codes, and training changes the codes
 * (coordinate descent), never the floats: the float optimizers skip packed parameters, while backward still
 * accumulates dL/d(decoded value) into {@link #grad()} for the method that moves the codes.
 *
 * <p>Value and gradient own their arrays from index 0 (offset 0), so kernels may index them directly.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final Tensor grad;
    private ParameterStorage storage;
    private boolean trainable = true;

    /** A dense parameter of zeros. */
    public Parameter(String name, int... shape) {
        this(name, new DenseStorage(Tensor.zeros(shape)));
    }

    /** A dense parameter holding {@code value} (which must own its array from offset 0); its gradient starts at zero. */
    public Parameter(String name, Tensor value) {
        this(name, dense(name, value));
    }

    /** A parameter on the given storage, e.g. packed ternary; its gradient starts at zero. */
    public Parameter(String name, ParameterStorage storage) {
        if (storage == null) throw new IllegalArgumentException("parameter " + name + ": storage is null");
        this.name = name;
        this.storage = storage;
        this.shape = storage.shape();
        this.grad = Tensor.zeros(shape);
    }

    private static DenseStorage dense(String name, Tensor value) {
        if (value.offset() != 0 || value.data().length != value.size()) {
            throw new IllegalArgumentException("parameter " + name + ": its value must own its array from offset 0");
        }
        return new DenseStorage(value);
    }

    public String name() { return name; }

    /**
     * The values as floats. For packed storage this is the decoded buffer, up to date with the codes: read
     * it, never write it (a write is not part of the parameter, is overwritten at the next decode and is not
     * saved); change the codes through {@link #ternary()}.
     */
    public Tensor value() { return storage.values(); }

    public Tensor grad() { return grad; }

    public int[] shape() { return shape.clone(); }

    public int size() { return grad.size(); }

    public boolean trainable() { return trainable; }

    public void setTrainable(boolean trainable) { this.trainable = trainable; }

    public void zeroGrad() { grad.fill(0f); }

    /** Dense floats or packed codes. */
    public ParameterStorage storage() { return storage; }

    /** Whether the values are packed codes (which the float optimizers do not update). */
    public boolean isPacked() { return !(storage instanceof DenseStorage); }

    /** The packed ternary storage: codes and scales to read and write. */
    public TernaryStorage ternary() {
        if (storage instanceof TernaryStorage t) return t;
        throw new IllegalStateException("parameter " + this + " is dense float, not packed ternary");
    }

    /** How the values are stored, as an architecture records it: float, or ternary per tensor or per output channel. */
    public dev.lanes.nn.arch.WeightFormat format() {
        if (!(storage instanceof TernaryStorage t)) return dev.lanes.nn.arch.WeightFormat.FLOAT;
        return t.granularity() == dev.lanes.nn.param.Granularity.PER_TENSOR
                ? dev.lanes.nn.arch.WeightFormat.TERNARY_PER_TENSOR : dev.lanes.nn.arch.WeightFormat.TERNARY_PER_CHANNEL;
    }

    /** The value set the parameter is constrained to, or null for an unconstrained float parameter. */
    public Constraint constraint() { return storage.constraint(); }

    /**
     * Moves the current values onto {@code constraint}'s set and keeps them there: the storage becomes the
     * constraint's (packed codes for {@link dev.lanes.nn.param.TernaryConstraint}) and the float values are
     * dropped. The gradient is kept.
     */
    public void constrain(Constraint constraint) {
        ParameterStorage s = constraint.project(value());
        if (!constraint.fits(s)) throw new IllegalStateException(constraint + " projected " + this + " onto storage it does not fit: " + s);
        setStorage(s);
    }

    /** Back to dense floats holding the current values (e.g. to fine-tune a ternary model in float). */
    public void unconstrain() {
        if (isPacked()) storage = new DenseStorage(value().copy());
    }

    /** Replaces the storage by one of the same shape (e.g. packed codes read from a file). */
    public void setStorage(ParameterStorage storage) {
        if (storage == null) throw new IllegalArgumentException("parameter " + name + ": storage is null");
        if (!java.util.Arrays.equals(shape, storage.shape())) {
            throw new IllegalArgumentException("parameter " + name + " has shape " + Shapes.toString(shape)
                    + " but the new storage has shape " + Shapes.toString(storage.shape()));
        }
        this.storage = storage;
    }

    @Override
    public String toString() {
        return name + Shapes.toString(shape) + (isPacked() ? " (" + storage + ")" : "") + (trainable ? "" : " (frozen)");
    }
}
