package dev.lanes.training.freeze;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The outputs of a frozen prefix, one fixed-size vector per training sample, keyed by the sample's dataset
 * index, so later epochs run only the suffix. Values are kept in half precision (or full, when exactness
 * matters more than memory) in memory up to a byte budget, and spill to one temporary file beyond it.
 *
 * <p>Rounding happens on {@link #put}, so a suffix reads the same bits whether the prefix ran this epoch
 * (its output rounded through the cache) or an earlier one: callers always pass the prefix output through the
 * cache, which also makes a resumed run, which recomputes the cache, give the same bits. {@link #get} and
 * {@link #put} allocate nothing.
 */
public final class ActivationCache implements AutoCloseable {
    public enum Precision {
        HALF(2), FULL(4);
        final int bytes;

        Precision(int bytes) { this.bytes = bytes; }
    }

    private final int valuesPerSample;
    private final Precision precision;
    private final int[] slotOf; // sample index -> slot, -1 when absent
    private final int memorySlots;
    private final short[] half;
    private final float[] full;
    private final Path spillDir;
    private FileChannel spill;
    private Path spillFile;
    private ByteBuffer io;
    private int used;

    /**
     * @param samples          the dataset size: keys are 0..samples-1
     * @param valuesPerSample  the prefix output size per sample (C·H·W)
     * @param memoryBudget     bytes kept in memory; samples beyond it go to a file in {@code spillDir}
     * @param spillDir         where the spill file lives (created on first need, deleted on close)
     */
    public ActivationCache(int samples, int valuesPerSample, Precision precision, long memoryBudget, Path spillDir) {
        if (samples < 1 || valuesPerSample < 1)
            throw new IllegalArgumentException("activation cache needs samples >= 1 and values per sample >= 1 but got " + samples + " and " + valuesPerSample);
        if (memoryBudget < 0) throw new IllegalArgumentException("memory budget must be >= 0 but was " + memoryBudget);
        this.valuesPerSample = valuesPerSample;
        this.precision = precision;
        this.slotOf = new int[samples];
        Arrays.fill(slotOf, -1);
        long perSample = (long) valuesPerSample * precision.bytes;
        long fit = Math.min(samples, memoryBudget / perSample);
        if (fit * valuesPerSample > Integer.MAX_VALUE - 8) fit = (Integer.MAX_VALUE - 8) / valuesPerSample;
        this.memorySlots = (int) fit;
        this.half = precision == Precision.HALF ? new short[memorySlots * valuesPerSample] : null;
        this.full = precision == Precision.FULL ? new float[memorySlots * valuesPerSample] : null;
        this.spillDir = spillDir;
    }

    public int valuesPerSample() { return valuesPerSample; }

    public Precision precision() { return precision; }

    public boolean contains(int sample) {
        return slotOf[checkSample(sample)] >= 0;
    }

    /** Stores sample's values (rounded to the cache's precision) and writes the rounded values back to {@code src}. */
    public void put(int sample, float[] src, int offset) {
        checkSample(sample);
        int slot = slotOf[sample];
        if (slot < 0) slot = slotOf[sample] = used++;
        if (slot < memorySlots) {
            int base = slot * valuesPerSample;
            if (precision == Precision.HALF) {
                for (int i = 0; i < valuesPerSample; i++) {
                    short h = Float.floatToFloat16(src[offset + i]);
                    half[base + i] = h;
                    src[offset + i] = Float.float16ToFloat(h);
                }
            } else {
                System.arraycopy(src, offset, full, base, valuesPerSample);
            }
        } else {
            ByteBuffer b = buffer();
            for (int i = 0; i < valuesPerSample; i++) {
                if (precision == Precision.HALF) {
                    short h = Float.floatToFloat16(src[offset + i]);
                    b.putShort(h);
                    src[offset + i] = Float.float16ToFloat(h);
                } else {
                    b.putFloat(src[offset + i]);
                }
            }
            b.flip();
            write(b, (long) (slot - memorySlots) * valuesPerSample * precision.bytes);
        }
    }

    /** Reads a stored sample into {@code dst}; throws if it was never put. */
    public void get(int sample, float[] dst, int offset) {
        int slot = slotOf[checkSample(sample)];
        if (slot < 0) throw new IllegalStateException("sample " + sample + " is not in the activation cache");
        if (slot < memorySlots) {
            int base = slot * valuesPerSample;
            if (precision == Precision.HALF) {
                for (int i = 0; i < valuesPerSample; i++) dst[offset + i] = Float.float16ToFloat(half[base + i]);
            } else {
                System.arraycopy(full, base, dst, offset, valuesPerSample);
            }
        } else {
            ByteBuffer b = buffer();
            read(b, (long) (slot - memorySlots) * valuesPerSample * precision.bytes);
            for (int i = 0; i < valuesPerSample; i++)
                dst[offset + i] = precision == Precision.HALF ? Float.float16ToFloat(b.getShort()) : b.getFloat();
        }
    }

    /** Samples stored so far. */
    public int size() { return used; }

    public long memoryBytes() { return (long) Math.min(used, memorySlots) * valuesPerSample * precision.bytes; }

    public long diskBytes() { return (long) Math.max(0, used - memorySlots) * valuesPerSample * precision.bytes; }

    /** Forgets every sample (the prefix changed); keeps the allocated memory. */
    public void clear() {
        Arrays.fill(slotOf, -1);
        used = 0;
    }

    @Override
    public void close() {
        try {
            if (spill != null) spill.close();
            if (spillFile != null) Files.deleteIfExists(spillFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the activation spill file " + spillFile + ": " + e.getMessage(), e);
        } finally {
            spill = null;
            spillFile = null;
        }
    }

    private int checkSample(int sample) {
        if (sample < 0 || sample >= slotOf.length)
            throw new IllegalArgumentException("sample index " + sample + " outside the cache's 0.." + (slotOf.length - 1));
        return sample;
    }

    private ByteBuffer buffer() {
        if (io == null) io = ByteBuffer.allocateDirect(valuesPerSample * precision.bytes).order(ByteOrder.LITTLE_ENDIAN);
        io.clear();
        return io;
    }

    private void write(ByteBuffer b, long position) {
        try {
            if (spill == null) {
                if (spillDir == null) throw new IllegalStateException("activation cache is over its memory budget and has no spill folder");
                Files.createDirectories(spillDir);
                spillFile = Files.createTempFile(spillDir, "activations-", ".bin");
                spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            while (b.hasRemaining()) position += spill.write(b, position);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the activation spill file " + (spillFile != null ? spillFile : spillDir) + ": " + e.getMessage(), e);
        }
    }

    private void read(ByteBuffer b, long position) {
        try {
            while (b.hasRemaining()) {
                int n = spill.read(b, position);
                if (n < 0) throw new IOException("unexpected end of file at offset " + position);
                position += n;
            }
            b.flip();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the activation spill file " + spillFile + ": " + e.getMessage(), e);
        }
    }
}
