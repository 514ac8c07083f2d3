package dev.lanes.engine;

import java.util.Arrays;

/**
 * A dense, contiguous, row-major float tensor: a {@code float[]}, an offset into it and a shape.
 * Images are NCHW. Views ({@link #reshape}, {@link #slice}) share the array and never copy.
 *
 * <p>Tensors are deliberately thin: kernels take the raw array and offset, so hot loops never go through
 * accessor methods.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.size = Shapes.size(shape);
        if (offset < 0 || (long) offset + size > data.length) {
            throw new IllegalArgumentException("tensor of shape " + Shapes.toString(shape) + " at offset " + offset
                    + " needs " + ((long) offset + size) + " floats but the buffer has " + data.length);
        }
    }

    /** A new zero-filled tensor. */
    public static Tensor zeros(int... shape) {
        int[] s = Shapes.checked(shape);
        return new Tensor(new float[Shapes.size(s)], 0, s);
    }

    /** A new tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        t.fill(value);
        return t;
    }

    /** Wraps {@code data} (no copy) as a tensor of the given shape starting at index 0. */
    public static Tensor of(float[] data, int... shape) {
        return wrap(data, 0, shape);
    }

    /** Wraps {@code data} (no copy) as a tensor of the given shape starting at {@code offset}. */
    public static Tensor wrap(float[] data, int offset, int... shape) {
        if (data == null) throw new IllegalArgumentException("data is null");
        return new Tensor(data, offset, Shapes.checked(shape));
    }

    public float[] data() { return data; }

    public int offset() { return offset; }

    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    public int dim(int axis) {
        if (axis < 0) axis += shape.length;
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + Shapes.toString(shape));
        }
        return shape[axis];
    }

    /** Number of elements. */
    public int size() { return size; }

    /** Whether this tensor has exactly the given shape. */
    public boolean hasShape(int... s) { return Arrays.equals(shape, s); }

    /** Whether this tensor has the same shape as {@code other}; unlike {@code hasShape(other.shape())}, copies nothing. */
    public boolean sameShape(Tensor other) { return Arrays.equals(shape, other.shape); }

    /** A view with another shape of the same size; one dimension may be -1 and is then inferred. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Shapes.toString(shape) + " to "
                        + Shapes.toString(newShape) + ": more than one -1");
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shapes.toString(shape) + " to " + Shapes.toString(newShape));
            }
            s[infer] = (int) (size / known);
        }
        Shapes.checked(s);
        if (Shapes.size(s) != size) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.toString(shape) + " (" + size + " elements) to "
                    + Shapes.toString(newShape) + " (" + Shapes.size(s) + " elements)");
        }
        return new Tensor(data, offset, s);
    }

    /** A view of entries {@code [from, to)} along the first axis (e.g. a sub-batch). */
    public Tensor slice(int from, int to) {
        if (rank() == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") out of range for shape " + Shapes.toString(shape));
        }
        int inner = shape[0] == 0 ? 0 : size / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(data, offset + from * inner, s);
    }

    /** Element at a full index. For tests and small tensors, not for hot loops. */
    public float get(int... index) { return data[offset + flatIndex(index)]; }

    public void set(float value, int... index) { data[offset + flatIndex(index)] = value; }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " does not match shape " + Shapes.toString(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IllegalArgumentException("index " + Arrays.toString(index) + " out of range for shape " + Shapes.toString(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    public Tensor fill(float value) {
        Arrays.fill(data, offset, offset + size, value);
        return this;
    }

    /** Copies {@code src} into this tensor; both must have the same shape. */
    public Tensor copyFrom(Tensor src) {
        Shapes.requireSame("copy", shape, src.shape);
        System.arraycopy(src.data, src.offset, data, offset, size);
        return this;
    }

    /** A new tensor with its own array holding the same values. */
    public Tensor copy() {
        return zeros(shape).copyFrom(this);
    }

    /** The values as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /** Index of the largest entry of row {@code row} when the tensor is seen as [shape[0], size/shape[0]]. */
    public int argmax(int row) {
        if (rank() == 0 || row < 0 || row >= shape[0]) {
            throw new IllegalArgumentException("row " + row + " out of range for shape " + Shapes.toString(shape));
        }
        int cols = size / shape[0];
        if (cols == 0) throw new IllegalArgumentException("argmax of an empty row of shape " + Shapes.toString(shape));
        int base = offset + row * cols;
        int best = 0;
        for (int j = 1; j < cols; j++) {
            if (data[base + j] > data[base + best]) best = j;
        }
        return best;
    }

    /** Largest absolute element-wise difference; shapes must match. */
    public float maxAbsDiff(Tensor other) {
        Shapes.requireSame("compare", shape, other.shape);
        float max = 0f;
        for (int i = 0; i < size; i++) {
            float d = Math.abs(data[offset + i] - other.data[other.offset + i]);
            if (!(d <= max)) max = Float.isNaN(d) ? Float.NaN : d;
            if (Float.isNaN(max)) return max;
        }
        return max;
    }

    /** Whether every {@code |a - b| <= atol + rtol * |b|} (shapes must match; NaN never matches). */
    public boolean allClose(Tensor other, float atol, float rtol) {
        Shapes.requireSame("compare", shape, other.shape);
        for (int i = 0; i < size; i++) {
            float a = data[offset + i], b = other.data[other.offset + i];
            if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.toString(shape));
        if (size > 64) return sb.append(" (").append(size).append(" values)").toString();
        sb.append(' ');
        appendNested(sb, 0, 0);
        return sb.toString();
    }

    private int appendNested(StringBuilder sb, int axis, int flat) {
        if (axis == shape.length) {
            sb.append(data[offset + flat]);
            return flat + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) sb.append(", ");
            flat = appendNested(sb, axis + 1, flat);
        }
        sb.append(']');
        return flat;
    }
}
