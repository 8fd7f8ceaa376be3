package io.polystore.bench;

import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The records a benchmark run produces; serialised as JSON. */
public final class Results {
    private Results() {
    }

    /**
     * Latency percentiles of one operation type, in microseconds.
     *
     * @param count operations measured
     * @param p50   median
     * @param p90   90th percentile
     * @param p99   99th percentile
     * @param p999  99.9th percentile
     * @param max   maximum
     * @param mean  mean
     */
    public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {
        static Latency of(Histogram h) {
            return new Latency(h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
                    us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()), h.getMean() / 1000.0);
        }

        private static double us(long nanos) {
            return nanos / 1000.0;
        }
    }

    /**
     * One measured round of one target.
     *
     * @param target            api or raw
     * @param round             1-based
     * @param loadRecords       records loaded before the round
     * @param loadPerSecond     records per second while loading (saveAll vs hand-written batch)
     * @param operations        operations in the measured run
     * @param seconds           length of the measured run
     * @param opsPerSecond      throughput
     * @param latency           per operation type, measured from the actual start of each operation
     * @param correctedLatency  per operation type, measured from its intended start (differs only with a target rate)
     * @param errors            error counts by exception type
     * @param perSecond         operations completed in each second of the run
     * @param clientCpu         CPU used by this JVM over the run, as a fraction of all cores (-1: unknown)
     * @param cpuMicrosPerOperation this JVM's CPU time over the run per operation, in µs (NaN: unknown)
     */
    public record Round(String target, int round, long loadRecords, double loadPerSecond, long operations, double seconds,
                        double opsPerSecond, Map<String, Latency> latency, Map<String, Latency> correctedLatency,
                        Map<String, Long> errors, List<Long> perSecond, double clientCpu, double cpuMicrosPerOperation) {
    }

    /**
     * A target over all rounds.
     *
     * @param target               api or raw
     * @param describe             what it talked to
     * @param medianOpsPerSecond   median throughput over the rounds
     * @param medianLoadPerSecond  median load rate over the rounds
     * @param latency              per operation type, all rounds merged
     * @param correctedLatency     per operation type, all rounds merged, from intended start
     * @param errors               error counts by type, all rounds
     * @param cpuMicrosPerOperation median over the rounds of this JVM's CPU time per operation, in µs (the
     *                             client's work, and the server's too when it runs embedded in this JVM);
     *                             NaN when the JVM cannot tell its CPU time
     */
    public record Summary(String target, String describe, double medianOpsPerSecond, double medianLoadPerSecond,
                          Map<String, Latency> latency, Map<String, Latency> correctedLatency, Map<String, Long> errors,
                          double cpuMicrosPerOperation) {
    }

    /**
     * A whole run.
     *
     * @param workload   the workload as run
     * @param store      the store URI (without secrets)
     * @param startedAt  when it started
     * @param machine    cores, memory, JVM
     * @param rounds     every measured round, in the order run
     * @param summaries  per target
     * @param ratios     api/raw ratios of the medians ({@code throughput}, {@code load})
     * @param warnings   anything that makes the figures less trustworthy
     */
    public record Run(Workload workload, String store, Instant startedAt, String machine, List<Round> rounds,
                      List<Summary> summaries, Map<String, Double> ratios, List<String> warnings) {
    }
}
