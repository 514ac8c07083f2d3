package dev.lanes.engine;

/**
 * Per-thread scratch buffers that grow on demand and are then reused, so a kernel called again with the
 * same shapes allocates nothing. Each kernel family uses its own slot (see the constants) so that a kernel
 * can hold one slot while calling another that uses a different one (convolution holds its column buffer
 * while GEMM packs into its own).
 *
 * <p>A buffer stays valid only until the same thread asks for the same slot again.
 */
public final class Workspace {
    /** GEMM's packed panel of A. */
    public static final int GEMM_A = 0;
    /** GEMM's packed panel of B. */
    public static final int GEMM_B = 1;
    /** Convolution's column (im2col) buffer. */
    public static final int CONV_COLUMNS = 2;
    /** Convolution's second buffer (gradient columns, transposed weights). */
    public static final int CONV_AUX = 3;
    /** Free for any kernel that calls no other kernel while it holds the buffer. */
    public static final int SCRATCH = 4;
    /** The ternary linear layer's transposed input (it holds it while the ternary GEMM uses {@link #SCRATCH}). */
    public static final int TERNARY_IN = 5;
    /** The ternary linear layer's transposed output. */
    public static final int TERNARY_OUT = 6;
    /** Convolution's output or gradient of several images side by side (see the conv package's ColumnBatch). */
    public static final int CONV_BATCH = 7;
    /** The distillation loss's per-row exponentials (a worker's, while the caller holds {@link #SCRATCH}). */
    public static final int LOSS_ROWS = 8;
    private static final int SLOTS = 9;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    private Workspace() {}

    /** A buffer of at least {@code size} floats for this thread and slot; its contents are undefined. */
    public static float[] floats(int slot, int size) {
        float[][] b = BUFFERS.get();
        if (b[slot].length < size) b[slot] = new float[size];
        return b[slot];
    }
}
