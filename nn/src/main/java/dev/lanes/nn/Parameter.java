package dev.lanes.nn;

import dev.lanes.engine.Tensor;

/**
 * A learnable tensor: its value, its gradient (same shape, accumulated by backward passes) and a
 * {@code trainable} flag. A frozen parameter ({@code trainable == false}) gets no gradient work at all:
 * layers skip computing its gradient and optimizers skip it.
 *
 * <p>Value and gradient own their arrays from index 0 (offset 0), so kernels may index them directly.
 * {@link #constraint()} is where constrained-parameter training attaches the finite value set.
 */
public final class Parameter {
    private final String name;
    private Tensor value;
    private Tensor grad;
    private boolean trainable = true;
    private Object constraint;

    public Parameter(String name, int... shape) {
        this.name = name;
        this.value = Tensor.zeros(shape);
        this.grad = Tensor.zeros(shape);
    }

    /** A parameter holding {@code value} (which must own its array from offset 0); its gradient starts at zero. */
    public Parameter(String name, Tensor value) {
        if (value.offset() != 0 || value.data().length != value.size()) {
            throw new IllegalArgumentException("parameter " + name + ": its value must own its array from offset 0");
        }
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
    }

    public String name() { return name; }

    public Tensor value() { return value; }

    public Tensor grad() { return grad; }

    public int[] shape() { return value.shape(); }

    public int size() { return value.size(); }

    public boolean trainable() { return trainable; }

    public void setTrainable(boolean trainable) { this.trainable = trainable; }

    public void zeroGrad() { grad.fill(0f); }

    /**
     * Replaces value and gradient with tensors of a new shape (used when channels are pruned);
     * {@code newValue} must own its array from offset 0.
     */
    public void replace(Tensor newValue) {
        if (newValue.offset() != 0 || newValue.data().length != newValue.size()) {
            throw new IllegalArgumentException("parameter " + name + ": replacement must own its array from offset 0");
        }
        this.value = newValue;
        this.grad = Tensor.zeros(newValue.shape());
    }

    /** The constraint attached by constrained training, or null for an unconstrained float parameter. */
    public Object constraint() { return constraint; }

    public void setConstraint(Object constraint) { this.constraint = constraint; }

    @Override
    public String toString() {
        return name + dev.lanes.engine.Shapes.toString(value.shape()) + (trainable ? "" : " (frozen)");
    }
}
