package dev.lanes.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hand-written SVG line charts of a training run: loss and accuracy per epoch, training and validation,
 * in two panels side by side. No dependencies; the output is standalone SVG 1.1 that browsers open.
 */
public final class SvgChart {
    /** One line: a name, a colour and y values at x = 1, 2, ...; NaN values leave a gap. */
    public record Series(String name, String color, double[] values) {}

    private static final int PANEL_W = 420, PANEL_H = 300;
    private static final int LEFT = 60, RIGHT = 20, TOP = 40, BOTTOM = 50;

    private SvgChart() {}

    /** Loss and accuracy panels for the given history. */
    public static String render(String title, List<EpochMetrics> history) {
        return render(title, "validation", history);
    }

    /** @param evalName what the per-epoch evaluation ran on ("validation" or "test"), for the legend */
    public static String render(String title, String evalName, List<EpochMetrics> history) {
        int n = history.size();
        double[] tl = new double[n], vl = new double[n], ta = new double[n], va = new double[n];
        for (int i = 0; i < n; i++) {
            EpochMetrics m = history.get(i);
            tl[i] = m.trainLoss();
            vl[i] = m.valLoss();
            ta[i] = m.trainAccuracy() * 100;
            va[i] = m.valAccuracy() * 100;
        }
        StringBuilder sb = new StringBuilder();
        int width = 2 * PANEL_W, height = PANEL_H + 30;
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width, height, width, height));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                width / 2, escape(title)));
        panel(sb, 0, 30, "loss", List.of(new Series("train", "#1f77b4", tl), new Series(evalName, "#d62728", vl)));
        panel(sb, PANEL_W, 30, "accuracy (%)", List.of(new Series("train", "#1f77b4", ta), new Series(evalName, "#d62728", va)));
        sb.append("</svg>\n");
        return sb.toString();
    }

    public static void write(Path file, String title, List<EpochMetrics> history) throws IOException {
        Files.writeString(file, render(title, history), StandardCharsets.UTF_8);
    }

    /** One panel with axes, ticks, a legend and a polyline per series, translated to (x0, y0). */
    static void panel(StringBuilder sb, int x0, int y0, String yLabel, List<Series> series) {
        int n = 0;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            n = Math.max(n, s.values().length);
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) { lo = 0; hi = 1; }
        if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
        double[] ticks = niceTicks(lo, hi, 5);
        lo = Math.min(lo, ticks[0]);
        hi = Math.max(hi, ticks[ticks.length - 1]);
        int plotW = PANEL_W - LEFT - RIGHT, plotH = PANEL_H - TOP - BOTTOM;
        final double ylo = lo, yhi = hi;
        final int xmax = Math.max(n, 2);
        sb.append(String.format(Locale.ROOT, "<g transform=\"translate(%d,%d)\">%n", x0, y0));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n", LEFT, TOP, plotW, plotH));
        for (double t : ticks) {
            double y = TOP + plotH - (t - ylo) / (yhi - ylo) * plotH;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#ddd\"/>%n", LEFT, y, LEFT + plotW, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%s</text>%n", LEFT - 5, y + 4, format(t)));
        }
        int step = Math.max(1, (int) Math.ceil(n / 10.0));
        for (int e = 1; e <= n; e += step) {
            double x = LEFT + (double) (e - 1) / (xmax - 1) * plotW;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, TOP + plotH + 16, e));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>%n", LEFT + plotW / 2, TOP + plotH + 34));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                14, TOP + plotH / 2, TOP + plotH / 2, escape(yLabel)));
        int legendX = LEFT + 8;
        for (Series s : series) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    legendX, TOP - 12, legendX + 18, TOP - 12, escape(s.color())));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", legendX + 22, TOP - 8, escape(s.name())));
            legendX += 30 + 8 * s.name().length();
            for (List<double[]> run : runs(s.values())) {
                StringBuilder pts = new StringBuilder();
                for (double[] p : run) {
                    double x = LEFT + (p[0] - 1) / (xmax - 1) * plotW;
                    double y = TOP + plotH - (p[1] - ylo) / (yhi - ylo) * plotH;
                    pts.append(String.format(Locale.ROOT, "%.2f,%.2f ", x, y));
                }
                String color = escape(s.color());
                if (run.size() == 1) {
                    String[] xy = pts.toString().trim().split(",");
                    sb.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>%n", xy[0], xy[1], color));
                } else {
                    sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                            color, pts.toString().trim()));
                }
            }
        }
        sb.append("</g>\n");
    }

    /** One line of an x-y chart: a name, a colour, and points (x[i], y[i]). */
    public record XySeries(String name, String color, double[] x, double[] y) {}

    /**
     * One panel of lines over a numeric x axis (e.g. test accuracy against training seconds); the legend
     * lists each distinct series name once, in first-seen order.
     */
    public static String renderXy(String title, String xLabel, String yLabel, List<XySeries> series) {
        int w = 2 * PANEL_W, h = PANEL_H + 60, left = LEFT, plotW = w - LEFT - RIGHT, plotH = h - TOP - BOTTOM - 30;
        double xlo = 0, xhi = Double.NEGATIVE_INFINITY, ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        for (XySeries s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) continue;
                xhi = Math.max(xhi, s.x()[i]);
                ylo = Math.min(ylo, s.y()[i]);
                yhi = Math.max(yhi, s.y()[i]);
            }
        }
        if (!(xhi > xlo)) xhi = 1;
        if (ylo > yhi) { ylo = 0; yhi = 1; }
        if (yhi - ylo < 1e-9) { ylo -= 0.5; yhi += 0.5; }
        double[] yt = niceTicks(ylo, yhi, 5), xt = niceTicks(xlo, xhi, 8);
        ylo = Math.min(ylo, yt[0]);
        yhi = Math.max(yhi, yt[yt.length - 1]);
        xhi = Math.max(xhi, xt[xt.length - 1]);
        int top = TOP + 30;
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                w, h, w, h));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", w / 2, escape(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n", left, top, plotW, plotH));
        for (double t : yt) {
            double y = top + plotH - (t - ylo) / (yhi - ylo) * plotH;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#ddd\"/>%n", left, y, left + plotW, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%s</text>%n", left - 5, y + 4, format(t)));
        }
        for (double t : xt) {
            double x = left + (t - xlo) / (xhi - xlo) * plotW;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, top + plotH + 16, format(t)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", left + plotW / 2, top + plotH + 34, escape(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                14, top + plotH / 2, top + plotH / 2, escape(yLabel)));
        List<String> named = new ArrayList<>();
        int legendX = left + 8;
        for (XySeries s : series) {
            if (!named.contains(s.name())) {
                named.add(s.name());
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                        legendX, top - 12, legendX + 18, top - 12, escape(s.color())));
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", legendX + 22, top - 8, escape(s.name())));
                legendX += 30 + 8 * s.name().length();
            }
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) continue;
                pts.append(String.format(Locale.ROOT, "%.2f,%.2f ", left + (s.x()[i] - xlo) / (xhi - xlo) * plotW,
                        top + plotH - (s.y()[i] - ylo) / (yhi - ylo) * plotH));
            }
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" stroke-opacity=\"0.8\" points=\"%s\"/>%n",
                    escape(s.color()), pts.toString().trim()));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** Maximal runs of finite values as (epoch, value) points. */
    private static List<List<double[]>> runs(double[] v) {
        List<List<double[]>> out = new ArrayList<>();
        List<double[]> cur = null;
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i])) {
                if (cur == null) out.add(cur = new ArrayList<>());
                cur.add(new double[] {i + 1, v[i]});
            } else {
                cur = null;
            }
        }
        return out;
    }

    /** About {@code count} round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
    static double[] niceTicks(double lo, double hi, int count) {
        double raw = (hi - lo) / Math.max(1, count);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
        double start = Math.floor(lo / step) * step, end = Math.ceil(hi / step) * step;
        int k = (int) Math.round((end - start) / step);
        double[] t = new double[k + 1];
        for (int i = 0; i <= k; i++) t[i] = start + i * step;
        return t;
    }

    private static String format(double v) {
        if (Math.abs(v) >= 100 || v == Math.rint(v)) return String.format(Locale.ROOT, "%.0f", v);
        if (Math.abs(v) >= 1) return String.format(Locale.ROOT, "%.1f", v);
        // 3 significant digits without trailing zeros: 0.05, 0.15 (ticks are sums of a float step)
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
