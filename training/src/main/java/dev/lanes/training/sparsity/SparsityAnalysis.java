package dev.lanes.training.sparsity;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.training.data.DataLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mehta et al.'s filter-sparsity analysis of a trained model over a dataset (meant: the training set): the
 * model runs in eval mode (BN with its running statistics, as at inference) and every tap of
 * {@link FilterLayers} records its channels' activations ({@link ChannelActivity}, one pass); the report
 * then applies both criteria per conv → BN → ReLU layer and, per removable channel group, finds the
 * channels dead at all of the group's taps.
 */
public final class SparsityAnalysis {
    private final Module model;
    private final FilterLayers layers;
    private final Map<String, ReLU> relus = new LinkedHashMap<>();
    private final Map<String, ChannelActivity> activity = new LinkedHashMap<>();
    private long samples;

    /** An analysis of {@code model} on images of shape {@code [C, H, W]}. */
    public SparsityAnalysis(Module model, int[] imageShape) {
        if (imageShape.length != 3) throw new IllegalArgumentException("sparsity analysis: image shape must be [C, H, W] but is " + Arrays.toString(imageShape));
        this.model = model;
        this.layers = FilterLayers.of(model, new int[] {1, imageShape[0], imageShape[1], imageShape[2]});
        Map<String, Module> modules = model.namedModules();
        for (FilterLayers.Tap t : layers.taps()) {
            relus.put(t.relu(), (ReLU) modules.get(t.relu()));
            activity.put(t.relu(), new ChannelActivity(t.channels()));
        }
    }

    /** The whole loader's epoch 0 (unshuffled loaders give the dataset in order). */
    public static SparsityReport over(Module model, DataLoader loader) {
        SparsityAnalysis a = new SparsityAnalysis(model, loader.imageShape());
        try (DataLoader.EpochIterator it = loader.epoch(0)) {
            while (it.hasNext()) a.observe(it.next().images());
        }
        return a.report();
    }

    public FilterLayers layers() { return layers; }

    /** Runs one batch through the model in eval mode and records every tap. */
    public void observe(Tensor images) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            model.forward(images);
        } finally {
            model.setTraining(wasTraining);
        }
        for (Map.Entry<String, ReLU> e : relus.entrySet()) activity.get(e.getKey()).observe(e.getValue().output());
        samples += images.shape()[0];
    }

    /** Both criteria per layer and the dead channels of every removable group, over what was observed. */
    public SparsityReport report() {
        if (samples == 0) throw new IllegalStateException("sparsity analysis: no samples observed");
        Map<String, Module> modules = model.namedModules();
        List<SparsityReport.LayerStats> rows = new ArrayList<>();
        for (FilterLayers.Layer l : layers.layers()) {
            ChannelActivity a = activity.get(l.relu());
            Tensor gamma = ((BatchNorm2d) modules.get(l.bn())).weight().value();
            int n = l.channels();
            List<Integer> byAct = new ArrayList<>(), byGamma = new ArrayList<>();
            float[] max = new float[n];
            double[] selectivity = new double[n];
            float[] absGamma = new float[n];
            for (int c = 0; c < n; c++) {
                if (a.deadByActivation(c)) byAct.add(c);
                if (GammaCriterion.dead(gamma, c)) byGamma.add(c);
                max[c] = a.maximum(c);
                selectivity[c] = a.selectivity(c);
                absGamma[c] = Math.abs(gamma.data()[gamma.offset() + c]);
            }
            rows.add(new SparsityReport.LayerStats(l.conv(), l.bn(), l.group(), n, ints(byAct), ints(byGamma),
                    GammaCriterion.histogram(gamma), selectivity, max, absGamma));
        }
        List<SparsityReport.GroupDeath> groups = new ArrayList<>();
        for (FilterLayers.Removable r : layers.removable()) {
            List<Integer> dead = new ArrayList<>();
            for (int c = 0; c < r.channels(); c++) {
                boolean all = true;
                for (FilterLayers.Tap t : r.taps()) all &= activity.get(t.relu()).deadByActivation(c);
                if (all) dead.add(c);
            }
            groups.add(new SparsityReport.GroupDeath(r.group(), r.channels(), r.producers(), ints(dead), r.residual()));
        }
        return new SparsityReport(samples, rows, groups, layers.refused());
    }

    private static int[] ints(List<Integer> v) {
        return v.stream().mapToInt(Integer::intValue).toArray();
    }
}
