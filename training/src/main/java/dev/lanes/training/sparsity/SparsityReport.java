package dev.lanes.training.sparsity;

import dev.lanes.training.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@link SparsityAnalysis} found: per conv → BN → ReLU layer the filters dead by activation (max after
 * BN + ReLU below 1e-12) and by scale (|γ| below 1e-3), a filter counting as dead by either (the paper's
 * definition); the |γ| histogram; each filter's feature selectivity; and per removable channel group the
 * channels dead at all its taps (what pruning may remove without changing the outputs on this data).
 */
public record SparsityReport(long samples, List<LayerStats> layers, List<GroupDeath> groups, List<String> refused) {
    public SparsityReport {
        layers = List.copyOf(layers);
        groups = List.copyOf(groups);
        refused = List.copyOf(refused);
    }

    /** One layer; channel lists ascending. */
    public record LayerStats(String name, String bn, int group, int channels, int[] deadByActivation, int[] deadByGamma,
                             int[] gammaHistogram, double[] selectivity, float[] maxActivation, float[] absGamma) {
        /** Filters dead by either criterion. */
        public int dead() {
            boolean[] d = new boolean[channels];
            for (int c : deadByActivation) d[c] = true;
            for (int c : deadByGamma) d[c] = true;
            int n = 0;
            for (boolean b : d) if (b) n++;
            return n;
        }

        public double deadFraction() { return (double) dead() / channels; }

        /** Mean selectivity of the filters alive by activation (NaN when none is). */
        public double meanSelectivity() {
            double sum = 0;
            int n = 0;
            boolean[] dead = new boolean[channels];
            for (int c : deadByActivation) dead[c] = true;
            for (int c = 0; c < channels; c++) if (!dead[c]) { sum += selectivity[c]; n++; }
            return n == 0 ? Double.NaN : sum / n;
        }

        Json toJson() {
            double[] max = new double[channels], g = new double[channels];
            for (int c = 0; c < channels; c++) { max[c] = maxActivation[c]; g[c] = absGamma[c]; }
            return Json.object().put("name", name).put("bn", bn).put("group", group).put("filters", channels)
                    .put("dead_activation", deadByActivation.length).put("dead_gamma", deadByGamma.length).put("dead", dead())
                    .put("dead_fraction", deadFraction()).put("dead_activation_channels", deadByActivation).put("dead_gamma_channels", deadByGamma)
                    .put("gamma_histogram", Json.object().put("edges", GammaCriterion.EDGES).put("counts", gammaHistogram))
                    .put("selectivity_mean_alive", meanSelectivity()).put("selectivity", selectivity).put("max_activation", max).put("abs_gamma", g);
        }
    }

    /** A removable group and its channels dead at every tap. */
    public record GroupDeath(int group, int channels, List<String> producers, int[] dead, boolean residual) {
        /**
         * The channels a pruning removes from this group, which has {@code modelChannels} in the model being pruned:
         * the dead ones, all but the first when the whole group is dead (so the network stays connected).
         */
        public int[] removable(int modelChannels) {
            if (modelChannels != channels)
                throw new IllegalArgumentException("prune: the report's group " + group + " has " + channels + " channels but the model's "
                        + modelChannels + "; the report was made on another model");
            return dead.length == channels ? Arrays.copyOfRange(dead, 1, dead.length) : dead;
        }

        Json toJson() {
            return Json.object().put("group", group).put("channels", channels).put("producers", producers).put("residual", residual)
                    .put("dead", dead.length).put("dead_channels", dead);
        }
    }

    public int filters() { return layers.stream().mapToInt(LayerStats::channels).sum(); }

    public int dead() { return layers.stream().mapToInt(LayerStats::dead).sum(); }

    public int deadByActivation() { return layers.stream().mapToInt(l -> l.deadByActivation().length).sum(); }

    public int deadByGamma() { return layers.stream().mapToInt(l -> l.deadByGamma().length).sum(); }

    /** Dead (by either criterion) over all layers' filters; NaN without layers. */
    public double deadFraction() { return filters() == 0 ? Double.NaN : (double) dead() / filters(); }

    /** Per layer name, its dead fraction. */
    public Json deadFractionByLayer() {
        Json j = Json.object();
        for (LayerStats l : layers) j.put(l.name(), l.deadFraction());
        return j;
    }

    public Json toJson() {
        List<Object> ls = new ArrayList<>(), gs = new ArrayList<>();
        for (LayerStats l : layers) ls.add(l.toJson());
        for (GroupDeath g : groups) gs.add(g.toJson());
        return Json.object().put("samples", samples)
                .put("criteria", Json.object().put("dead_activation_below", ChannelActivity.DEAD_ACTIVATION)
                        .put("dead_gamma_below", GammaCriterion.DEAD_GAMMA).put("selectivity_fraction", ChannelActivity.SELECTIVITY_FRACTION))
                .put("layers", ls)
                .put("total", Json.object().put("filters", filters()).put("dead_activation", deadByActivation()).put("dead_gamma", deadByGamma())
                        .put("dead", dead()).put("dead_fraction", deadFraction()))
                .put("removable_groups", gs).put("refused_groups", refused);
    }

    /** One row per layer and a total; then the removable groups. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        int w = "total".length();
        for (LayerStats l : layers) w = Math.max(w, l.name().length());
        String fmt = "%-" + w + "s  %7s  %14s  %14s  %14s  %11s  %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "layer", "filters", "dead act<1e-12", "dead |γ|<1e-3", "dead (either)", "selectivity", "|γ| histogram " + edges()));
        for (LayerStats l : layers)
            sb.append(String.format(Locale.ROOT, fmt, l.name(), l.channels(), count(l.deadByActivation().length, l.channels()),
                    count(l.deadByGamma().length, l.channels()), count(l.dead(), l.channels()),
                    Double.isNaN(l.meanSelectivity()) ? "-" : String.format(Locale.ROOT, "%.3f", l.meanSelectivity()), Arrays.toString(l.gammaHistogram())));
        sb.append(String.format(Locale.ROOT, fmt, "total", filters(), count(deadByActivation(), filters()), count(deadByGamma(), filters()),
                count(dead(), filters()), "", ""));
        sb.append(String.format(Locale.ROOT, "over %d samples (eval mode); selectivity: mean over filters alive by activation of the fraction of samples below 1e-3 of the filter's max%n", samples));
        for (GroupDeath g : groups)
            sb.append(String.format(Locale.ROOT, "removable group %d (%s%s): %d of %d channels dead at every tap%n", g.group(), String.join(", ", g.producers()),
                    g.residual() ? ", residual" : "", g.dead().length, g.channels()));
        for (String r : refused) sb.append("not removable: ").append(r).append('\n');
        return sb.toString();
    }

    private static String count(int n, int of) {
        return String.format(Locale.ROOT, "%d (%.1f%%)", n, of == 0 ? 0.0 : 100.0 * n / of);
    }

    private static String edges() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < GammaCriterion.EDGES.length; i++) sb.append(i > 0 ? " " : "").append(i == 0 ? "0" : String.format(Locale.ROOT, "%.0e", GammaCriterion.EDGES[i]));
        return sb.append(" ..)").toString();
    }
}
