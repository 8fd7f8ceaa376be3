package io.polystore.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Timed rounds of an operation mix for the store-specific workloads ({@code sessions},
 * {@code graph}): threads run operations for a fixed time, each timed into a histogram per
 * operation; rounds alternate between targets (api, raw, raw, api, ...), after a warm-up of each;
 * the report gives the median throughput and median p50/p99 per operation, and api/raw.
 */
public final class Mixed {
    private Mixed() {
    }

    /** The options every mixed-workload command takes (store may be null: the command says what it needs). */
    public record Common(String store, List<String> targets, Map<String, String> storeOptions, int threads, Duration duration,
            Duration warmup, int rounds, Path out) {
    }

    /** One round's measurements. Thread-safe. */
    public static final class Round {
        final Map<String, Histogram> latency = new ConcurrentHashMap<>();
        final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        long ops;
        double seconds;

        void record(String op, long nanos) {
            Histogram h = latency.computeIfAbsent(op, o -> new Histogram(3_600_000_000_000L, 3));
            synchronized (h) {
                h.recordValue(Math.max(1, nanos));
            }
        }

        /** Counts an outcome ({@code error:...} for errors). */
        public void count(String what) {
            counts.computeIfAbsent(what, k -> new LongAdder()).increment();
        }

        /** @return operations per second */
        public double rate() {
            return ops / seconds;
        }

        /** @return the outcomes counted, by name */
        public Map<String, Long> counts() {
            Map<String, Long> c = new TreeMap<>();
            counts.forEach((k, v) -> c.put(k, v.sum()));
            return c;
        }
    }

    /** One thread's operations. */
    @FunctionalInterface
    public interface Worker {
        /**
         * Runs one operation (timed by the caller).
         *
         * @return the operation's name, for its latency histogram
         */
        String next(SplittableRandom random, Round round) throws Exception;
    }

    /** Makes each thread's worker for a round (round -1 is the warm-up). */
    @FunctionalInterface
    public interface Target {
        Worker worker(int thread, int round);
    }

    /** Runs {@code threads} workers for {@code duration}; an operation that throws counts as {@code error:<class>}. */
    public static Round round(Target target, int threads, Duration duration, int roundNo, String name) throws InterruptedException {
        Round m = new Round();
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ops = new LongAdder();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker w = target.worker(t, roundNo);
            long seed = t * 31L + roundNo * 1_000_003L + System.nanoTime();
            started.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        String op = w.next(random, m);
                        m.record(op, System.nanoTime() - start);
                        ops.increment();
                    } catch (Exception e) {
                        m.count("error:" + e.getClass().getSimpleName());
                    }
                }
            }, name + "-" + t));
        }
        long t0 = System.nanoTime();
        started.forEach(Thread::start);
        Thread.sleep(duration.toMillis());
        running.set(false);
        for (Thread t : started) {
            t.join(30_000);
        }
        m.seconds = (System.nanoTime() - t0) / 1e9;
        m.ops = ops.sum();
        return m;
    }

    /** Warms each target up, then runs the rounds, alternating the order; progress goes to {@code err}. */
    public static Map<String, List<Round>> alternate(Map<String, Target> targets, int threads, Duration duration, Duration warmup,
            int rounds, String name, PrintStream err) throws InterruptedException {
        List<String> order = new ArrayList<>(targets.keySet());
        if (!warmup.isZero()) {
            for (String t : order) {
                err.printf("warm-up %s%n", t);
                round(targets.get(t), threads, warmup, -1, name);
            }
        }
        Map<String, List<Round>> out = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            List<String> now = new ArrayList<>(order);
            if (r % 2 == 1) {
                Collections.reverse(now);
            }
            for (String t : now) {
                Round m = round(targets.get(t), threads, duration, r, name);
                out.computeIfAbsent(t, k -> new ArrayList<>()).add(m);
                err.printf("round %d %-4s %9.0f ops/s  %s%n", r + 1, t, m.rate(), m.counts());
            }
        }
        return out;
    }

    /**
     * Prints the table and appends the {@code "targets"} object (and {@code "apiToRaw"}) to a JSON
     * document under construction.
     *
     * @return the median throughput per target
     */
    public static Map<String, Double> report(List<String> ops, Map<String, List<Round>> rounds, StringBuilder json, PrintStream out) {
        json.append("  \"targets\": {\n");
        out.printf("%n%-5s %10s  %s%n", "", "ops/s", "p50 / p99 us per operation");
        int n = 0;
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Round>> e : rounds.entrySet()) {
            List<Double> rates = new ArrayList<>();
            for (Round r : e.getValue()) {
                rates.add(r.rate());
            }
            double rate = Args.median(rates);
            medians.put(e.getKey(), rate);
            StringBuilder line = new StringBuilder();
            json.append(n++ > 0 ? ",\n" : "").append("    \"").append(e.getKey()).append("\": {\"medianOpsPerSecond\": ")
                    .append(String.format(Locale.ROOT, "%.1f", rate)).append(", \"operations\": {");
            int k = 0;
            for (String op : ops) {
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                for (Round r : e.getValue()) {
                    Histogram h = r.latency.get(op);
                    if (h != null) {
                        p50.add(h.getValueAtPercentile(50) / 1000.0);
                        p99.add(h.getValueAtPercentile(99) / 1000.0);
                    }
                }
                line.append(String.format(Locale.ROOT, "  %s %.0f / %.0f", op, Args.median(p50), Args.median(p99)));
                json.append(k++ > 0 ? ", " : "").append("\"").append(op).append("\": {\"p50Micros\": ")
                        .append(String.format(Locale.ROOT, "%.1f", Args.median(p50))).append(", \"p99Micros\": ")
                        .append(String.format(Locale.ROOT, "%.1f", Args.median(p99))).append("}");
            }
            Map<String, Long> counts = new TreeMap<>();
            for (Round r : e.getValue()) {
                r.counts().forEach((c, v) -> counts.merge(c, v, Long::sum));
            }
            json.append("}, \"counts\": {");
            int c = 0;
            for (Map.Entry<String, Long> ce : counts.entrySet()) {
                json.append(c++ > 0 ? ", " : "").append("\"").append(ce.getKey()).append("\": ").append(ce.getValue());
            }
            json.append("}}");
            out.printf("%-5s %10.0f %s%n      %s%n", e.getKey(), rate, line, counts);
        }
        json.append("\n  }");
        if (medians.containsKey("api") && medians.containsKey("raw")) {
            double ratio = medians.get("api") / medians.get("raw");
            out.printf("api/raw %.2f%n", ratio);
            json.append(",\n  \"apiToRaw\": ").append(String.format(Locale.ROOT, "%.3f", ratio));
        }
        return medians;
    }
}
