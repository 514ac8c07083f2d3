package dev.lanes.training.data;

import dev.lanes.engine.Tensor;
import dev.lanes.engine.resize.ImageResize;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cuts a {@link Dataset} into batches of {@code [B, C, H, W]} floats plus labels, reusing two buffers.
 *
 * <p>Determinism: the sample order of epoch {@code e} is a permutation seeded by {@code (seed, e)} and the
 * augmentation of batch {@code b} draws from a generator seeded by {@code (seed, e, b)}. Nothing else feeds
 * the randomness, so an epoch's batches are the same bits whether or not the loader prefetches, and a run
 * resumed at epoch {@code e} sees exactly what the uninterrupted run saw.
 *
 * <p>Prefetching (double buffering): while the caller computes on batch {@code k} (in buffer {@code k % 2})
 * a background thread fills batch {@code k+1} into the other buffer. A batch is therefore valid only until
 * the next call to {@code next()}.
 *
 * <p>Per image the pipeline is: read ([0, 1]) → resize (optional) → crop/flip (optional) → normalise
 * {@code (x - mean[c]) / std[c]} (optional).
 */
public final class DataLoader implements AutoCloseable {
    /**
     * One batch: {@code images} is {@code [size, C, H, W]}; {@code labels[0..size)} and {@code indices[0..size)}
     * are valid, {@code indices[i]} being the dataset index of row {@code i} (after shuffling), so a method can
     * cache per-sample results. Each of the loader's buffers owns one Batch that is refilled in place, so
     * iterating allocates nothing per batch; a batch is valid until the next {@code next()}.
     */
    public static final class Batch {
        private final int[] labels, indices;
        private int index, size;
        private Tensor images;

        private Batch(int[] labels, int[] indices) {
            this.labels = labels;
            this.indices = indices;
        }

        /** The 0-based position of this batch in its epoch. */
        public int index() { return index; }

        /** Rows in this batch (the last one of an epoch may be partial). */
        public int size() { return size; }

        public Tensor images() { return images; }

        /** Labels of the rows; entries at and past {@link #size()} are stale. */
        public int[] labels() { return labels; }

        /** Dataset indices of the rows; entries at and past {@link #size()} are stale. */
        public int[] indices() { return indices; }
    }

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final float[] mean, std, invStd;
    private final Augmentation augmentation;
    private final ImageResize.Method resizeMethod;
    private final int channels, inH, inW, outH, outW;
    private final boolean prefetch;
    private final Buffer[] buffers;
    private ExecutorService executor;
    private EpochIterator current;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        int[] shape = dataset.imageShape();
        this.channels = shape[0];
        this.inH = shape[1];
        this.inW = shape[2];
        this.outH = b.resizeH > 0 ? b.resizeH : inH;
        this.outW = b.resizeW > 0 ? b.resizeW : inW;
        this.resizeMethod = b.resizeMethod;
        this.augmentation = b.augmentation;
        if (b.mean != null) {
            if (b.mean.length != channels || b.std.length != channels) {
                throw new IllegalArgumentException("normalisation needs " + channels + " means and stds but got "
                        + b.mean.length + " and " + b.std.length);
            }
            mean = b.mean.clone();
            std = b.std.clone();
            invStd = new float[channels];
            for (int c = 0; c < channels; c++) {
                if (!(b.std[c] > 0f)) throw new IllegalArgumentException("std of channel " + c + " must be > 0 but is " + b.std[c]);
                invStd[c] = 1f / b.std[c];
            }
        } else {
            mean = null;
            std = null;
            invStd = null;
        }
        this.prefetch = b.prefetch;
        this.buffers = new Buffer[prefetch ? 2 : 1];
        for (int i = 0; i < buffers.length; i++) buffers[i] = new Buffer();
    }

    public static Builder builder(Dataset dataset) { return new Builder(dataset); }

    public Dataset dataset() { return dataset; }

    public int batchSize() { return batchSize; }

    /** Whether training images are randomly cropped or flipped: then a sample's pixels differ from epoch to epoch. */
    public boolean augments() { return augmentation.active(); }

    /** The per-channel normalisation mean (a copy), or null when the loader does not normalise. */
    public float[] mean() { return mean == null ? null : mean.clone(); }

    /** The per-channel normalisation std (a copy), or null when the loader does not normalise. */
    public float[] std() { return std == null ? null : std.clone(); }

    /** The seed of shuffling and augmentation; with the epoch number it is the loader's whole state. */
    public long seed() { return seed; }

    /**
     * A loader like this one (dataset, batch size, order, seed, normalisation, flip, prefetching) that
     * delivers {@code h x w} images resized from the dataset's by {@code method}; a random crop's padding is
     * scaled with the image (rounded, at least 1 if it was set), so the shifts stay the same fraction of it.
     * The new loader has its own buffers and thread; close it when done.
     */
    public DataLoader resized(int h, int w, ImageResize.Method method) {
        Builder b = builder(dataset).batchSize(batchSize).shuffle(shuffle).seed(seed).dropLast(dropLast).prefetch(prefetch)
                .resize(h, w, method);
        if (mean != null) b.normalize(mean, std);
        int pad = augmentation.cropPadding();
        if (pad > 0) pad = Math.max(1, (int) Math.round(pad * (double) h / inH));
        b.augmentation = new Augmentation(pad, augmentation.horizontalFlip());
        return b.build();
    }

    /** Samples per epoch actually delivered (all of them, or all but the dropped partial batch). */
    public int samplesPerEpoch() {
        return dropLast ? (dataset.size() / batchSize) * batchSize : dataset.size();
    }

    public int batchesPerEpoch() {
        return dropLast ? dataset.size() / batchSize : (dataset.size() + batchSize - 1) / batchSize;
    }

    /** Shape of one delivered image, {@code [C, H, W]} (after resizing). */
    public int[] imageShape() { return new int[] {channels, outH, outW}; }

    /** The order in which epoch {@code epoch} visits the dataset (identity when not shuffling). */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 1, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /**
     * The batches of epoch {@code epoch} (0-based). Starting a new epoch ends the previous iterator. Closing
     * the iterator early waits for the batch being prefetched.
     */
    public EpochIterator epoch(int epoch) {
        if (current != null) current.close();
        current = new EpochIterator(epoch);
        return current;
    }

    /** Stops the prefetch thread. */
    @Override
    public void close() {
        if (current != null) current.close();
        if (executor != null) executor.shutdownNow();
        executor = null;
    }

    private ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lanes-prefetch");
                t.setDaemon(true);
                return t;
            });
        }
        return executor;
    }

    /** Iterator over one epoch's batches. */
    public final class EpochIterator implements Iterator<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int batches;
        private int next;
        private Future<Batch> pending;

        private EpochIterator(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.batches = batchesPerEpoch();
            if (prefetch && batches > 0) schedule(0);
        }

        @Override
        public boolean hasNext() { return next < batches; }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
            Batch b = prefetch ? await() : fill(epoch, order, next, buffers[0]);
            next++;
            if (prefetch && next < batches) schedule(next);
            return b;
        }

        private void schedule(int index) {
            Buffer buf = buffers[index % 2];
            pending = executor().submit(() -> fill(epoch, order, index, buf));
        }

        private Batch await() {
            try {
                Batch b = pending.get();
                pending = null;
                return b;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + next, e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) throw r;
                if (c instanceof Error err) throw err;
                throw new IllegalStateException("loading batch " + next + " of epoch " + epoch + " failed", c);
            }
        }

        @Override
        public void close() {
            if (pending != null) {
                try {
                    pending.get();
                } catch (Exception ignored) {
                    // the batch is abandoned; only its buffer must no longer be written to
                }
                pending = null;
            }
            next = batches;
        }
    }

    /** Fills batch {@code index} of an epoch into {@code buf}. */
    private Batch fill(int epoch, int[] order, int index, Buffer buf) {
        int from = index * batchSize;
        int size = Math.min(batchSize, order.length - from);
        int outSize = channels * outH * outW;
        boolean resize = outH != inH || outW != inW;
        SplittableRandom rng = augmentation.active() ? new SplittableRandom(Seeds.mix(seed, 2, epoch, index)) : null;
        for (int i = 0; i < size; i++) {
            int off = i * outSize;
            float[] img = buf.raw;
            buf.indices[i] = order[from + i];
            buf.labels[i] = dataset.get(order[from + i], img, 0);
            if (resize) {
                ImageResize.resize(resizeMethod, img, 0, channels, inH, inW, buf.resized, 0, outH, outW);
                img = buf.resized;
            }
            if (augmentation.active()) augmentation.apply(img, channels, outH, outW, buf.images, off, rng);
            else System.arraycopy(img, 0, buf.images, off, outSize);
            if (mean != null) normalise(buf.images, off);
        }
        Batch b = buf.batch;
        if (size != batchSize && (buf.partial == null || buf.partial.dim(0) != size)) {
            buf.partial = Tensor.wrap(buf.images, 0, size, channels, outH, outW); // the epoch's last batch
        }
        b.images = size == batchSize ? buf.full : buf.partial;
        b.index = index;
        b.size = size;
        return b;
    }

    private void normalise(float[] x, int off) {
        int plane = outH * outW;
        for (int c = 0; c < channels; c++) {
            float m = mean[c], s = invStd[c];
            int base = off + c * plane;
            for (int i = 0; i < plane; i++) x[base + i] = (x[base + i] - m) * s;
        }
    }

    /** One batch buffer and its per-image scratch, used by one filling thread at a time. */
    private final class Buffer {
        final float[] images = new float[batchSize * channels * outH * outW];
        final int[] labels = new int[batchSize];
        final float[] raw = new float[channels * inH * inW];
        final float[] resized = new float[channels * outH * outW];
        final int[] indices = new int[batchSize];
        final Tensor full = Tensor.wrap(images, 0, batchSize, channels, outH, outW);
        final Batch batch = new Batch(labels, indices);
        Tensor partial; // the last, smaller batch of an epoch, kept while its size recurs
    }

    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 64;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private float[] mean, std;
        private Augmentation augmentation = Augmentation.NONE;
        private int resizeH, resizeW;
        private ImageResize.Method resizeMethod = ImageResize.Method.BILINEAR;
        private boolean prefetch = true;

        private Builder(Dataset dataset) {
            if (dataset == null) throw new IllegalArgumentException("dataset is null");
            this.dataset = dataset;
        }

        public Builder batchSize(int b) {
            if (b < 1) throw new IllegalArgumentException("batch size must be >= 1 but is " + b);
            this.batchSize = b;
            return this;
        }

        public Builder shuffle(boolean shuffle) { this.shuffle = shuffle; return this; }

        public Builder seed(long seed) { this.seed = seed; return this; }

        /** Whether the last batch is dropped when smaller than the batch size (default: kept). */
        public Builder dropLast(boolean dropLast) { this.dropLast = dropLast; return this; }

        /** Per-channel {@code (x - mean) / std} on pixels in [0, 1]. */
        public Builder normalize(float[] mean, float[] std) {
            this.mean = mean.clone();
            this.std = std.clone();
            return this;
        }

        /** Random crop of the original size from the image padded by {@code padding} zero pixels per side. */
        public Builder randomCrop(int padding) {
            if (padding < 0) throw new IllegalArgumentException("crop padding must be >= 0 but is " + padding);
            this.augmentation = new Augmentation(padding, augmentation.horizontalFlip());
            return this;
        }

        /** Mirrors each image left-right with probability 1/2. */
        public Builder horizontalFlip(boolean flip) {
            this.augmentation = new Augmentation(augmentation.cropPadding(), flip);
            return this;
        }

        /**
         * When {@code on}, the augmentation the CLI and the experiments give natural images (CIFAR-10): a random crop
         * of the image padded by 4 pixels and a left-right mirror; when off, the augmentation is left as it is.
         */
        public Builder standardAugmentation(boolean on) {
            return on ? randomCrop(4).horizontalFlip(true) : this;
        }

        /** Resizes every image to {@code h x w} before augmentation. */
        public Builder resize(int h, int w, ImageResize.Method method) {
            if (h < 1 || w < 1) throw new IllegalArgumentException("resize target must be positive but is " + h + "x" + w);
            this.resizeH = h;
            this.resizeW = w;
            this.resizeMethod = method;
            return this;
        }

        /** Whether the next batch is prepared on a background thread (default: yes). */
        public Builder prefetch(boolean prefetch) { this.prefetch = prefetch; return this; }

        public DataLoader build() { return new DataLoader(this); }

        @Override
        public String toString() {
            return "DataLoader(batch=" + batchSize + ", shuffle=" + shuffle + ", mean=" + Arrays.toString(mean) + ")";
        }
    }
}
