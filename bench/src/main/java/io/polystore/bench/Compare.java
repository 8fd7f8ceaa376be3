package io.polystore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** {@code compare BEFORE.json AFTER.json}: the change of each median, per target and operation. */
final class Compare {
    private Compare() {
    }

    static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BenchException("no result file " + file);
        }
        try {
            JsonNode run = new ObjectMapper().readTree(file.toFile());
            if (run == null || !run.has("summaries") || !run.has("workload")) {
                throw new BenchException(file + " is not a polystore-bench result (no summaries)");
            }
            return run;
        } catch (IOException e) {
            throw new BenchException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static JsonNode summary(JsonNode run, String target) {
        for (JsonNode s : run.get("summaries")) {
            if (s.get("target").asText().equals(target)) {
                return s;
            }
        }
        return null;
    }

    private static String change(double before, double after) {
        if (before == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%+.1f%%", (after - before) / before * 100);
    }

    static void print(JsonNode before, JsonNode after, PrintStream out) {
        out.printf("before: %s on %s (%s)%n", before.get("workload").get("name").asText(), before.get("store").asText(),
                before.get("startedAt").asText());
        out.printf("after:  %s on %s (%s)%n", after.get("workload").get("name").asText(), after.get("store").asText(),
                after.get("startedAt").asText());
        out.printf("%-6s %-22s %14s %14s %10s%n", "target", "metric", "before", "after", "change");
        for (JsonNode b : before.get("summaries")) {
            String target = b.get("target").asText();
            JsonNode a = summary(after, target);
            if (a == null) {
                out.printf("%-6s (not in the second file)%n", target);
                continue;
            }
            row(out, target, "ops/s median", b.get("medianOpsPerSecond").asDouble(), a.get("medianOpsPerSecond").asDouble());
            row(out, target, "load records/s", b.get("medianLoadPerSecond").asDouble(), a.get("medianLoadPerSecond").asDouble());
            JsonNode bc = b.get("cpuMicrosPerOperation");
            JsonNode ac = a.get("cpuMicrosPerOperation");
            if (bc != null && ac != null && bc.isNumber() && ac.isNumber()) { // files of older builds have none
                row(out, target, "cpu us/op", bc.asDouble(), ac.asDouble());
            }
            for (Map.Entry<String, JsonNode> op : b.get("latency").properties()) {
                JsonNode al = a.get("latency").get(op.getKey());
                if (al == null) {
                    continue;
                }
                for (String p : new String[]{"p50", "p99", "p999"}) {
                    row(out, target, op.getKey() + " " + p + " us", op.getValue().get(p).asDouble(), al.get(p).asDouble());
                }
            }
        }
        JsonNode br = before.get("ratios");
        JsonNode ar = after.get("ratios");
        if (br != null && ar != null) {
            for (Iterator<String> it = br.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (ar.has(k)) {
                    row(out, "api/raw", k + " ratio", br.get(k).asDouble(), ar.get(k).asDouble());
                }
            }
        }
    }

    private static void row(PrintStream out, String target, String metric, double before, double after) {
        out.printf(Locale.ROOT, "%-6s %-22s %14.2f %14.2f %10s%n", target, metric, before, after, change(before, after));
    }
}
