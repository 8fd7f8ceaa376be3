package io.polystore.bench;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** With a target rate, a stall shows in the corrected latencies (measured from the intended start) only. */
class CoordinatedOmissionTest {

    /** A target that answers at once from a map, except that one read stalls for 500 ms. */
    static final class StallingTarget implements Target {
        private final Map<String, BenchRecord> data = new ConcurrentHashMap<>();
        private final AtomicLong reads = new AtomicLong();

        @Override
        public String kind() {
            return "api";
        }

        @Override
        public String describe() {
            return "stalling map";
        }

        @Override
        public void clear() {
            data.clear();
        }

        @Override
        public void insertBatch(List<BenchRecord> records) {
            records.forEach(r -> data.put(r.id(), r));
        }

        @Override
        public BenchRecord read(String key) {
            if (reads.incrementAndGet() == 200) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return data.get(key);
        }

        @Override
        public void write(BenchRecord record) {
            data.put(record.id(), record);
        }

        @Override
        public List<BenchRecord> scan(String startKey, int count) {
            return List.of();
        }

        @Override
        public List<BenchRecord> query(String field, String value) {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aStallShowsInCorrectedLatencyAndNotInUncorrected() {
        Workload w = Workload.load("c", Map.of("recordcount", "100", "operationcount", "1000", "threadcount", "1",
                "target", "1000", "warmup", "0s", "rounds", "1"));
        Runner runner = new Runner(w, new PrintStream(OutputStream.nullOutputStream()));
        List<Results.Round> rounds = runner.run(List.of(new StallingTarget()));
        Results.Round r = rounds.get(0);
        assertThat(r.operations()).isEqualTo(1000);
        Results.Latency uncorrected = r.latency().get("read");
        Results.Latency corrected = r.correctedLatency().get("read");
        // one operation of 1000 took 500 ms: uncorrected p90 is tiny, but the ~500 operations scheduled
        // during the stall waited for it, so the corrected p90 is hundreds of milliseconds
        assertThat(uncorrected.max()).isGreaterThan(400_000);
        assertThat(uncorrected.p90()).isLessThan(10_000);
        assertThat(corrected.p90()).isGreaterThan(100_000);
        assertThat(corrected.p50()).isGreaterThan(uncorrected.p50());
    }

    @Test
    void theHtmlReportOfAPacedRunShowsCorrectedBesideUncorrectedAndSaysWhichToTrust() {
        Workload w = Workload.load("c", Map.of("recordcount", "100", "operationcount", "1000", "threadcount", "1",
                "target", "1000", "warmup", "0s", "rounds", "1"));
        Runner runner = new Runner(w, new PrintStream(OutputStream.nullOutputStream()));
        StallingTarget target = new StallingTarget();
        List<Results.Round> rounds = runner.run(List.of(target));
        Results.Summary summary = Report.summarize(target, rounds);
        String html = HtmlReport.render(new Results.Run(w, "stalling map", java.time.Instant.now(), "test", rounds,
                List.of(summary), Map.of(), List.of()));

        Results.Latency corrected = summary.correctedLatency().get("read");
        Results.Latency uncorrected = summary.latency().get("read");
        String row = html.substring(html.indexOf("<tr><td>api</td>"), html.indexOf("</tr>", html.indexOf("<tr><td>api</td>")));
        assertThat(html).contains("<th>corrected p99</th>").contains("Trust the corrected")
                .contains("read: corrected (from the intended start)").contains("read: uncorrected (from the actual start)");
        // the row carries both figures: the uncorrected p90 and, in the corrected columns, the corrected p90
        assertThat(row).contains(String.format(java.util.Locale.ROOT, "<td>%.1f</td>", uncorrected.p90()))
                .contains(String.format(java.util.Locale.ROOT, "<td>%.1f</td>", corrected.p90()));
        assertThat(corrected.p90()).isNotEqualTo(uncorrected.p90());
    }

    @Test
    void anUnpacedRunShowsOneSetOfPercentiles() {
        Workload w = Workload.load("c", Map.of("recordcount", "100", "operationcount", "300", "threadcount", "1",
                "warmup", "0s", "rounds", "1"));
        Runner runner = new Runner(w, new PrintStream(OutputStream.nullOutputStream()));
        StallingTarget target = new StallingTarget();
        List<Results.Round> rounds = runner.run(List.of(target));
        String html = HtmlReport.render(new Results.Run(w, "map", java.time.Instant.now(), "test", rounds,
                List.of(Report.summarize(target, rounds)), Map.of(), List.of()));
        assertThat(html).doesNotContain("corrected").contains("<h3>read</h3>");
    }
}
