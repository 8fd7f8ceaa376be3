package io.polystore.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A self-contained HTML report (inline SVG, no scripts, no external files): the summary table,
 * throughput over time for every round, and each operation's latency percentiles for api and raw
 * side by side. A run at a target rate also shows the latency from each operation's intended start
 * (corrected for coordinated omission) beside the service time, and says which to trust.
 */
final class HtmlReport {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
    private static final int W = 760;
    private static final int H = 260;
    private static final int PAD = 50;

    private HtmlReport() {
    }

    static String render(Results.Run run) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>polystore-bench ")
                .append(esc(run.workload().name())).append("</title><style>body{font-family:sans-serif;margin:2em}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "th{background:#f4f4f4}svg{border:1px solid #ddd;margin:8px 0}</style></head><body>\n");
        Workload w = run.workload();
        sb.append("<h1>").append(esc(w.name())).append(" on ").append(esc(run.store())).append("</h1>\n<p>")
                .append(w.recordCount()).append(" records, ").append(w.threads()).append(" threads, ")
                .append(w.rounds()).append(" rounds, distribution ").append(esc(w.requestDistribution()))
                .append(". ").append(esc(run.machine())).append("</p>\n");
        boolean paced = w.target() > 0;
        table(sb, run, paced);
        if (paced) {
            sb.append("<p>At a target rate of ").append(w.target()).append(" operations/s every operation has an "
                    + "intended start on a fixed schedule. <b>Corrected</b> latency runs from that intended start; "
                    + "<b>uncorrected</b> latency from when the client actually sent the operation. When the store "
                    + "stalls, the uncorrected figures leave out the time queued operations waited for it (coordinated "
                    + "omission) and look better than what users at this rate would see. Trust the corrected "
                    + "percentiles for response time; the uncorrected ones show the store's service time alone.</p>\n");
        }
        sb.append("<h2>Throughput over time</h2>\n");
        throughput(sb, run);
        sb.append("<h2>Latency percentiles (µs, log scale)</h2>\n");
        Set<String> ops = new LinkedHashSet<>();
        run.summaries().forEach(s -> ops.addAll(s.latency().keySet()));
        for (String op : ops) {
            sb.append("<h3>").append(esc(op)).append(paced ? ": uncorrected (from the actual start)" : "").append("</h3>\n");
            percentiles(sb, run, op, Results.Summary::latency);
            if (paced) {
                sb.append("<h3>").append(esc(op)).append(": corrected (from the intended start)</h3>\n");
                percentiles(sb, run, op, Results.Summary::correctedLatency);
            }
        }
        for (String warning : run.warnings()) {
            sb.append("<p>warning: ").append(esc(warning)).append("</p>\n");
        }
        return sb.append("</body></html>\n").toString();
    }

    private static void table(StringBuilder sb, Results.Run run, boolean paced) {
        sb.append("<table><tr><th>target</th><th>ops/s median</th><th>load records/s</th><th>CPU µs/op</th><th>operation</th>"
                + "<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th>");
        if (paced) {
            sb.append("<th>corrected p50</th><th>corrected p90</th><th>corrected p99</th><th>corrected p99.9</th>"
                    + "<th>corrected max</th>");
        }
        sb.append("</tr>\n");
        for (Results.Summary s : run.summaries()) {
            for (Map.Entry<String, Results.Latency> e : s.latency().entrySet()) {
                sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.0f</td><td>%.0f</td><td>%s</td><td>%s</td>",
                        esc(s.target()), s.medianOpsPerSecond(), s.medianLoadPerSecond(),
                        Double.isNaN(s.cpuMicrosPerOperation()) ? "" : String.format(Locale.ROOT, "%.1f", s.cpuMicrosPerOperation()),
                        esc(e.getKey())));
                cells(sb, e.getValue());
                if (paced) {
                    cells(sb, s.correctedLatency().get(e.getKey()));
                }
                sb.append("</tr>\n");
            }
        }
        sb.append("</table>\n");
        run.ratios().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "<p>api/raw %s ratio (medians): <b>%.3f</b></p>%n",
                esc(k), v)));
    }

    private static void cells(StringBuilder sb, Results.Latency l) {
        if (l == null) {
            sb.append("<td></td>".repeat(5));
            return;
        }
        sb.append(String.format(Locale.ROOT, "<td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td>",
                l.p50(), l.p90(), l.p99(), l.p999(), l.max()));
    }

    private static String color(String target) {
        return switch (target) {
            case "api" -> COLORS[0];
            case "raw", "raw-lettuce" -> COLORS[1];
            case "raw-jedis" -> COLORS[2];
            default -> COLORS[3];
        };
    }

    private static void throughput(StringBuilder sb, Results.Run run) {
        long max = 1;
        int seconds = 1;
        for (Results.Round r : run.rounds()) {
            for (long v : r.perSecond()) {
                max = Math.max(max, v);
            }
            seconds = Math.max(seconds, r.perSecond().size());
        }
        sb.append(svgStart());
        axes(sb, "seconds", "ops/s", 0, max);
        for (Results.Round r : run.rounds()) {
            List<String> points = new ArrayList<>();
            for (int i = 0; i < r.perSecond().size(); i++) {
                double x = PAD + (W - 2.0 * PAD) * (i + 1) / seconds;
                double y = H - PAD - (H - 2.0 * PAD) * r.perSecond().get(i) / max;
                points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color(r.target())).append("\" points=\"")
                    .append(String.join(" ", points)).append("\"><title>").append(esc(r.target())).append(" round ")
                    .append(r.round()).append("</title></polyline>\n");
        }
        legend(sb, run);
        sb.append("</svg>\n");
    }

    private static void percentiles(StringBuilder sb, Results.Run run, String op,
                                    Function<Results.Summary, Map<String, Results.Latency>> figures) {
        String[] names = {"p50", "p90", "p99", "p99.9", "max"};
        double hi = 1;
        for (Results.Summary s : run.summaries()) { // one scale for corrected and uncorrected
            for (Map<String, Results.Latency> m : List.of(s.latency(), s.correctedLatency())) {
                Results.Latency l = m.get(op);
                if (l != null) {
                    hi = Math.max(hi, l.max());
                }
            }
        }
        double logHi = Math.log10(Math.max(10, hi)) + 0.2;
        sb.append(svgStart());
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", PAD, H - PAD, W - PAD, H - PAD));
        int groups = names.length;
        int targets = run.summaries().size();
        double groupWidth = (W - 2.0 * PAD) / groups;
        double barWidth = groupWidth * 0.8 / Math.max(1, targets);
        for (int g = 0; g < groups; g++) {
            double gx = PAD + g * groupWidth;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n",
                    gx + groupWidth / 2, H - PAD + 16, names[g]));
            for (int t = 0; t < targets; t++) {
                Results.Summary s = run.summaries().get(t);
                Results.Latency l = figures.apply(s).get(op);
                if (l == null) {
                    continue;
                }
                double v = switch (g) {
                    case 0 -> l.p50();
                    case 1 -> l.p90();
                    case 2 -> l.p99();
                    case 3 -> l.p999();
                    default -> l.max();
                };
                double h = (H - 2.0 * PAD) * Math.max(0, Math.log10(Math.max(1, v))) / logHi;
                double x = gx + groupWidth * 0.1 + t * barWidth;
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                                + "<title>%s %s: %.1f µs</title></rect>%n", x, H - PAD - h, barWidth - 2, h, color(s.target()),
                        esc(s.target()), names[g], v));
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%.0f</text>%n",
                        x + barWidth / 2, H - PAD - h - 3, v));
            }
        }
        legend(sb, run);
        sb.append("</svg>\n");
    }

    private static String svgStart() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H + "\" viewBox=\"0 0 " + W + " " + H + "\">\n";
    }

    private static void axes(StringBuilder sb, String x, String y, long low, long high) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", PAD, H - PAD, W - PAD, H - PAD));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", PAD, PAD, PAD, H - PAD));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", W / 2, H - 12, esc(x)));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"12\">%d</text>%n", PAD, high));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"12\">%s</text>%n", H - PAD, low + " " + esc(y)));
    }

    private static void legend(StringBuilder sb, Results.Run run) {
        int i = 0;
        for (Results.Summary s : run.summaries()) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"10\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"21\" font-size=\"12\">%s</text>%n", W - 100 - 80 * run.summaries().size() + i * 80, color(s.target()),
                    W - 84 - 80 * run.summaries().size() + i * 80, esc(s.target())));
            i++;
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
