package dev.lanes.nn.param;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.engine.ternary.TernaryCodes;
import java.util.Arrays;

/**
 * Packed ternary storage: two-bit codes (16 per {@code int}, {@link TernaryCodes}' layout) and float scales,
 * one per tensor or one per output channel (axis 0). Element i holds one of the levels {−α, 0, +α} of its
 * channel's scale α &gt; 0:
 * <pre>
 *   value[i] = (code(i) − 1) · scale(channelOf(i))      code 0 → −α, 1 → 0, 2 → +α
 *   channelOf(i) = i / codesPerScale()                  (0 for per-tensor storage)
 * </pre>
 * The codes are the parameter: there is no float copy that training updates (what BinaryConnect and TWN
 * keep). {@link #values()} is a float buffer for the kernels, decoded from the codes: allocated and decoded
 * on first use; afterwards each write decodes just what it changed (one element for {@link #setCode}, the
 * block for {@link #setCodes}, the channel for {@link #setScale}), so reading costs nothing and a
 * coordinate-descent step costs what it changes (10-20 ns for one code and the read after it; a full
 * decode runs at 0.8-1.5 ns per code, {@code TernaryBench}). {@link #version()} counts the writes, for
 * anything that caches work derived from the codes.
 *
 * <p>Every writer checks its arguments before it writes: a code outside {0, 1, 2} is refused naming its
 * index, a scale that is not finite and positive naming its channel. Not thread-safe.
 */
public final class TernaryStorage implements ParameterStorage {
    private final int[] shape;
    private final int size;
    private final Granularity granularity;
    private final int perScale;
    private final int[] words;
    private final float[] scales;
    private final TernaryConstraint constraint;
    private Tensor decoded; // null until values() is first called; then always equal to the codes
    private long version;

    /** Takes the arrays as they are (callers have checked and copied them). */
    private TernaryStorage(int[] shape, Granularity granularity, float[] scales, int[] words) {
        this.shape = shape;
        this.size = Shapes.size(shape);
        this.granularity = granularity;
        this.perScale = granularity.codesPerScale(shape);
        this.scales = scales;
        this.words = words;
        this.constraint = new TernaryConstraint(granularity);
    }

    /** Storage with every value 0 (code 1) and every scale 1. */
    public static TernaryStorage zeros(Granularity granularity, int... shape) {
        int[] s = Shapes.checked(shape);
        float[] scales = new float[granularity.scaleCount(s)];
        Arrays.fill(scales, 1f);
        int[] words = new int[TernaryCodes.words(Shapes.size(s))];
        TernaryCodes.fill(words, 0, Shapes.size(s), TernaryCodes.ZERO);
        return new TernaryStorage(s, granularity, scales, words);
    }

    /**
     * Storage from two-bit words as {@link TernaryCodes} lays them out (copied); refuses a word holding a code
     * 3 or a non-zero unused code, naming the index, and scales that are not finite and positive.
     */
    public static TernaryStorage of(int[] shape, Granularity granularity, float[] scales, int[] words) {
        int[] s = Shapes.checked(shape);
        int n = Shapes.size(s);
        if (words.length != TernaryCodes.words(n)) {
            throw new IllegalArgumentException("ternary " + Shapes.toString(s) + ": " + n + " codes take "
                    + TernaryCodes.words(n) + " words but " + words.length + " were given");
        }
        int bad = TernaryCodes.firstInvalid(words, n);
        if (bad >= 0) {
            throw new IllegalArgumentException("ternary " + Shapes.toString(s) + ": " + (bad < n ? "code "
                    + TernaryCodes.get(words, bad) + " at index " + bad + " is not a ternary code (0 = -scale, 1 = 0, 2 = +scale)"
                    : "unused code " + bad + " of the last word is not 0"));
        }
        return new TernaryStorage(s, granularity, checkedScales(s, granularity, scales), words.clone());
    }

    /** Storage from one code per element (0, 1 or 2; anything else is refused naming its index). */
    public static TernaryStorage ofCodes(int[] shape, Granularity granularity, float[] scales, byte[] codes) {
        int[] s = Shapes.checked(shape);
        int n = Shapes.size(s);
        if (codes.length != n) {
            throw new IllegalArgumentException("ternary " + Shapes.toString(s) + ": needs " + n + " codes but " + codes.length + " were given");
        }
        float[] sc = checkedScales(s, granularity, scales);
        int[] words = new int[TernaryCodes.words(n)];
        TernaryCodes.pack(codes, 0, words, 0, n);
        return new TernaryStorage(s, granularity, sc, words);
    }

    /** Packs float values by the TWN rule with threshold 0.7 · mean|w| (see {@link TernaryQuantizer}). */
    public static TernaryStorage quantize(Tensor values, Granularity granularity) {
        return TernaryQuantizer.quantize(values, granularity, TernaryQuantizer.TWN_THRESHOLD);
    }

    /** Packs float values by the TWN rule with threshold {@code thresholdFactor} · mean|w|. */
    public static TernaryStorage quantize(Tensor values, Granularity granularity, float thresholdFactor) {
        return TernaryQuantizer.quantize(values, granularity, thresholdFactor);
    }

    /** Built by {@link TernaryQuantizer} from arrays it made itself. */
    static TernaryStorage trusted(int[] shape, Granularity granularity, float[] scales, int[] words) {
        return new TernaryStorage(shape, granularity, scales, words);
    }

    private static float[] checkedScales(int[] shape, Granularity granularity, float[] scales) {
        int count = granularity.scaleCount(shape);
        if (scales.length != count) {
            throw new IllegalArgumentException("ternary " + Shapes.toString(shape) + " " + granularity + " has " + count
                    + " scales but " + scales.length + " were given");
        }
        for (int c = 0; c < count; c++) checkScale(c, scales[c]);
        return scales.clone();
    }

    private static void checkScale(int channel, float scale) {
        if (!(scale > 0f) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("ternary scale of channel " + channel + " must be finite and > 0 but is " + scale);
        }
    }

    @Override
    public int[] shape() { return shape.clone(); }

    @Override
    public int size() { return size; }

    /** Number of codes: one per element. */
    public int codeCount() { return size; }

    public Granularity granularity() { return granularity; }

    /** Number of scales: 1 per tensor, or the size of axis 0 per channel. */
    public int scaleCount() { return scales.length; }

    /** Elements per scale (the whole tensor, or one slice of axis 0). */
    public int codesPerScale() { return perScale; }

    /** The channel (scale index) of element {@code index}. */
    public int channelOf(int index) {
        checkIndex(index);
        return granularity == Granularity.PER_TENSOR ? 0 : index / perScale;
    }

    /** Code of element {@code index}: 0 (−α), 1 (0) or 2 (+α). */
    public int code(int index) {
        checkIndex(index);
        return TernaryCodes.get(words, index);
    }

    /** Sets the code of element {@code index}. */
    public void setCode(int index, int code) {
        checkIndex(index);
        TernaryCodes.set(words, index, code);
        changed(index, index + 1);
    }

    /** Copies the codes of elements [from, from + count) into {@code dst[off, off + count)}. */
    public void codes(int from, byte[] dst, int off, int count) {
        checkRange(from, count);
        TernaryCodes.unpack(words, from, dst, off, count);
    }

    /** Sets the codes of elements [from, from + count) from {@code src[off, off + count)}; all or nothing. */
    public void setCodes(int from, byte[] src, int off, int count) {
        checkRange(from, count);
        TernaryCodes.pack(src, off, words, from, count);
        changed(from, from + count);
    }

    /** Scale α of channel {@code channel} (0 for per-tensor storage). */
    public float scale(int channel) {
        checkChannel(channel);
        return scales[channel];
    }

    /** Sets the scale of channel {@code channel}; it must be finite and &gt; 0. */
    public void setScale(int channel, float scale) {
        checkChannel(channel);
        checkScale(channel, scale);
        scales[channel] = scale;
        changed(channel * perScale, granularity == Granularity.PER_TENSOR ? size : (channel + 1) * perScale);
    }

    /** A copy of the scales. */
    public float[] scales() { return scales.clone(); }

    /** The value that code {@code code} stands for at element {@code index}: (code − 1) · α. */
    public float level(int index, int code) {
        if (code < 0 || code > TernaryCodes.PLUS) throw new IllegalArgumentException("code " + code + " is not a ternary code (0, 1 or 2)");
        return (code - 1) * scales[channelOf(index)];
    }

    /** A copy of the two-bit words ({@link TernaryCodes} layout, unused codes 0). */
    public int[] words() { return words.clone(); }

    /**
     * Copies the two-bit words into {@code dst[off, off + wordCount())} without allocating: for a kernel that
     * reads codes directly, and can skip the copy while {@link #version()} is unchanged.
     */
    public void copyWordsTo(int[] dst, int off) {
        if (dst == null || off < 0 || (long) off + words.length > dst.length) {
            throw new IllegalArgumentException("ternary " + Shapes.toString(shape) + ": needs " + words.length + " words from offset "
                    + off + " but the buffer " + (dst == null ? "is null" : "has " + dst.length));
        }
        System.arraycopy(words, 0, dst, off, words.length);
    }

    /** Number of two-bit words: ⌈size / 16⌉. */
    public int wordCount() { return words.length; }

    /** Increases with every write of codes or scales. */
    public long version() { return version; }

    /** The decoded values: one buffer, decoded on first use and kept equal to the codes by every write. */
    @Override
    public Tensor values() {
        if (decoded == null) {
            decoded = Tensor.zeros(shape);
            decode(0, size);
        }
        return decoded;
    }

    @Override
    public TernaryConstraint constraint() { return constraint; }

    /** Copies codes and scales from {@code src}, which must have the same shape and granularity. */
    public void copyFrom(TernaryStorage src) {
        if (!Arrays.equals(shape, src.shape) || granularity != src.granularity) {
            throw new IllegalArgumentException("ternary storage " + this + " cannot take the codes of " + src);
        }
        System.arraycopy(src.words, 0, words, 0, words.length);
        System.arraycopy(src.scales, 0, scales, 0, scales.length);
        changed(0, size);
    }

    /** An independent copy of codes and scales (its decoded buffer is made when first needed). */
    public TernaryStorage copy() {
        return new TernaryStorage(shape.clone(), granularity, scales.clone(), words.clone());
    }

    /** Counts a write of elements [from, to) and decodes them, if the buffer exists yet. */
    private void changed(int from, int to) {
        version++;
        if (decoded != null) decode(from, to);
    }

    private void decode(int from, int to) {
        if (from >= to) return;
        if (to - from == 1) decoded.data()[from] = (TernaryCodes.get(words, from) - 1) * scales[channelOf(from)];
        else TernaryCodes.decode(words, from, to, scales, Math.max(perScale, 1), decoded.data(), from);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("ternary " + Shapes.toString(shape) + ": element " + index + " is outside [0, " + size + ")");
        }
    }

    private void checkRange(int from, int count) {
        if (from < 0 || count < 0 || (long) from + count > size) {
            throw new IllegalArgumentException("ternary " + Shapes.toString(shape) + ": elements [" + from + ", "
                    + ((long) from + count) + ") are outside [0, " + size + ")");
        }
    }

    private void checkChannel(int channel) {
        if (channel < 0 || channel >= scales.length) {
            throw new IllegalArgumentException("ternary " + Shapes.toString(shape) + " " + granularity + ": channel "
                    + channel + " is outside [0, " + scales.length + ")");
        }
    }

    @Override
    public String toString() {
        return "ternary " + Shapes.toString(shape) + " " + granularity;
    }
}
