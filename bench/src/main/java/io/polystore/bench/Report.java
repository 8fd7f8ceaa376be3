package io.polystore.bench;


import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Summaries, ratios and the console table. */
final class Report {
    private Report() {
    }

    static Results.Summary summarize(Target target, List<Results.Round> rounds) {
        List<Double> throughput = new ArrayList<>();
        List<Double> load = new ArrayList<>();
        Map<String, Long> errors = new TreeMap<>();
        Map<String, List<Results.Latency>> latencies = new TreeMap<>();
        Map<String, List<Results.Latency>> corrected = new TreeMap<>();
        List<Double> cpu = new ArrayList<>();
        for (Results.Round r : rounds) {
            if (!r.target().equals(target.kind())) {
                continue;
            }
            if (!Double.isNaN(r.cpuMicrosPerOperation())) {
                cpu.add(r.cpuMicrosPerOperation());
            }
            throughput.add(r.opsPerSecond());
            load.add(r.loadPerSecond());
            r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
            r.latency().forEach((op, l) -> latencies.computeIfAbsent(op, o -> new ArrayList<>()).add(l));
            r.correctedLatency().forEach((op, l) -> corrected.computeIfAbsent(op, o -> new ArrayList<>()).add(l));
        }
        return new Results.Summary(target.kind(), target.describe(), Args.median(throughput), Args.median(load),
                medians(latencies), medians(corrected), errors, cpu.isEmpty() ? Double.NaN : Args.median(cpu));
    }

    /** Per operation: the median over rounds of each percentile (rounds are weighted alike). */
    private static Map<String, Results.Latency> medians(Map<String, List<Results.Latency>> byOp) {
        Map<String, Results.Latency> out = new LinkedHashMap<>();
        byOp.forEach((op, ls) -> out.put(op, new Results.Latency(
                ls.stream().mapToLong(Results.Latency::count).sum(),
                Args.median(ls.stream().map(Results.Latency::p50).toList()),
                Args.median(ls.stream().map(Results.Latency::p90).toList()),
                Args.median(ls.stream().map(Results.Latency::p99).toList()),
                Args.median(ls.stream().map(Results.Latency::p999).toList()),
                ls.stream().mapToDouble(Results.Latency::max).max().orElse(0),
                Args.median(ls.stream().map(Results.Latency::mean).toList()))));
        return out;
    }

    /**
     * api against the raw baseline: {@code throughput} and {@code load}. When one run has several raw
     * baselines (Redis: {@code raw-jedis}, {@code raw-lettuce}), {@code throughput} and {@code load}
     * are against the faster of them, and {@code throughput/raw-jedis} etc. against each.
     */
    static Map<String, Double> ratios(List<Results.Summary> summaries) {
        Map<String, Double> out = new LinkedHashMap<>();
        Results.Summary api = null;
        List<Results.Summary> raws = new ArrayList<>();
        for (Results.Summary s : summaries) {
            if (s.target().equals("api")) {
                api = s;
            } else if (s.target().startsWith("raw")) {
                raws.add(s);
            }
        }
        if (api == null || raws.isEmpty()) {
            return out;
        }
        double bestOps = raws.stream().mapToDouble(Results.Summary::medianOpsPerSecond).max().orElseThrow();
        double bestLoad = raws.stream().mapToDouble(Results.Summary::medianLoadPerSecond).max().orElseThrow();
        out.put("throughput", api.medianOpsPerSecond() / bestOps);
        out.put("load", api.medianLoadPerSecond() / bestLoad);
        // CPU per operation: lower is better, so against the cheaper raw; above 1 the API costs more
        double leastCpu = raws.stream().mapToDouble(Results.Summary::cpuMicrosPerOperation).filter(d -> !Double.isNaN(d))
                .min().orElse(Double.NaN);
        if (!Double.isNaN(api.cpuMicrosPerOperation()) && !Double.isNaN(leastCpu)) {
            out.put("cpu-per-op", api.cpuMicrosPerOperation() / leastCpu);
        }
        if (raws.size() > 1) {
            for (Results.Summary raw : raws) {
                out.put("throughput/" + raw.target(), api.medianOpsPerSecond() / raw.medianOpsPerSecond());
                out.put("load/" + raw.target(), api.medianLoadPerSecond() / raw.medianLoadPerSecond());
                if (!Double.isNaN(api.cpuMicrosPerOperation()) && !Double.isNaN(raw.cpuMicrosPerOperation())) {
                    out.put("cpu-per-op/" + raw.target(), api.cpuMicrosPerOperation() / raw.cpuMicrosPerOperation());
                }
            }
        }
        return out;
    }

    static void print(Results.Run run, PrintStream out) {
        Workload w = run.workload();
        out.printf("%nworkload %s: %d records, %d threads, %s per round, %d rounds, distribution %s%s%n", w.name(),
                w.recordCount(), w.threads(), w.duration().isZero() ? w.operationCount() + " operations" : w.duration(),
                w.rounds(), w.requestDistribution(), w.target() > 0 ? ", target " + w.target() + " ops/s" : "");
        out.printf("store %s; %s%n", run.store(), run.machine());
        out.printf("%-11s %14s %14s   %-10s %10s %10s %10s %10s %10s%n", "target", "ops/s median", "load rec/s", "operation",
                "p50 us", "p90 us", "p99 us", "p99.9 us", "max us");
        for (Results.Summary s : run.summaries()) {
            boolean first = true;
            for (Map.Entry<String, Results.Latency> e : s.latency().entrySet()) {
                Results.Latency l = e.getValue();
                out.printf("%-11s %14s %14s   %-10s %10.1f %10.1f %10.1f %10.1f %10.1f%n", first ? s.target() : "",
                        first ? String.format("%.0f", s.medianOpsPerSecond()) : "",
                        first ? String.format("%.0f", s.medianLoadPerSecond()) : "", e.getKey(), l.p50(), l.p90(), l.p99(),
                        l.p999(), l.max());
                first = false;
            }
            if (!s.errors().isEmpty()) {
                out.printf("%-11s errors: %s%n", "", s.errors());
            }
        }
        StringBuilder cpu = new StringBuilder();
        for (Results.Summary s : run.summaries()) {
            if (!Double.isNaN(s.cpuMicrosPerOperation())) {
                cpu.append(cpu.length() == 0 ? "" : ", ").append(s.target()).append(' ')
                        .append(String.format("%.1f", s.cpuMicrosPerOperation())).append(" us");
            }
        }
        if (cpu.length() > 0) {
            out.printf("CPU time of this JVM per operation (medians; the client's, and an embedded server's): %s%n", cpu);
        }
        boolean severalRaws = run.summaries().stream().filter(s -> s.target().startsWith("raw")).count() > 1;
        run.ratios().forEach((k, v) -> out.printf("api/raw %s ratio (medians%s): %.3f%n", k,
                k.contains("/") || !severalRaws ? "" : k.startsWith("cpu") ? ", the cheaper raw" : ", the faster raw", v));
        for (String warning : run.warnings()) {
            out.println("warning: " + warning);
        }
    }


    /** One row per target, round and operation: the figures of the JSON file in a spreadsheet's shape. */
    static String csv(Results.Run run) {
        StringBuilder sb = new StringBuilder(
                "target,round,operation,count,p50_us,p90_us,p99_us,p999_us,max_us,mean_us,corrected_p99_us,ops_per_second,load_per_second,"
                        + "cpu_us_per_op\n");
        for (Results.Round r : run.rounds()) {
            for (Map.Entry<String, Results.Latency> e : r.latency().entrySet()) {
                Results.Latency l = e.getValue();
                Results.Latency c = r.correctedLatency().get(e.getKey());
                sb.append(String.join(",", r.target(), Integer.toString(r.round()), e.getKey(), Long.toString(l.count()),
                        num(l.p50()), num(l.p90()), num(l.p99()), num(l.p999()), num(l.max()), num(l.mean()),
                        num(c == null ? Double.NaN : c.p99()), num(r.opsPerSecond()), num(r.loadPerSecond()), num(r.cpuMicrosPerOperation()))).append('\n');
            }
        }
        return sb.toString();
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "" : String.format(java.util.Locale.ROOT, "%.1f", d);
    }
}
