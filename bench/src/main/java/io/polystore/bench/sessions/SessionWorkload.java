package io.polystore.bench.sessions;

import io.polystore.IndexMaintenance;
import io.polystore.bench.Args;
import io.polystore.bench.BenchException;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The TTL-heavy session workload: each thread logs users in (10 %), looks sessions up (70 %),
 * touches them to extend their expiry (15 %) and logs out (5 %), on sessions that expire after
 * {@code --ttl} (seconds, short on purpose, so that expiry runs all through the measurement). A
 * lookup checks what it finds against what the thread knows: a session found after its expiry
 * ({@code stale}) or missing before it ({@code lost}) is an error. Rounds alternate between the
 * targets; after the run the API's indexes are verified (zero drift expected).
 */
public final class SessionWorkload {
    /** Options of the {@code sessions} command. */
    public record Options(String store, List<String> targets, Map<String, String> storeOptions, int threads,
            Duration duration, Duration warmup, int rounds, Duration ttl, int users, Path out) {
    }

    private static final String[] OPS = {"login", "lookup", "touch", "logout"};
    /** expiry is measured against clocks and a Redis that expire keys within a few ms: allow this much */
    private static final long GRACE_MILLIS = 250;

    private SessionWorkload() {
    }

    public static Options parse(String[] args) {
        String store = null;
        List<String> targets = List.of("api");
        Map<String, String> options = new LinkedHashMap<>();
        int threads = 8;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(5);
        int rounds = 3;
        Duration ttl = Duration.ofSeconds(3);
        int users = 10_000;
        Path out = Path.of("bench-results");
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new BenchException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--store" -> store = v;
                case "--compare" -> targets = List.of(v.toLowerCase(Locale.ROOT).split(","));
                case "-o" -> {
                    int eq = v.indexOf('=');
                    if (eq < 1) {
                        throw new BenchException("-o takes KEY=VALUE, not '" + v + "'");
                    }
                    options.put(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--threads" -> threads = (int) Args.positive(a, v);
                case "--duration" -> duration = Args.seconds(a, v, false);
                case "--rounds" -> rounds = (int) Args.positive(a, v);
                case "--warmup" -> warmup = Args.seconds(a, v, true);
                case "--ttl" -> ttl = Args.seconds(a, v, false);
                case "--users" -> users = (int) Args.positive(a, v);
                case "--out" -> out = Path.of(v);
                default -> throw new BenchException("unknown option '" + a + "' for sessions");
            }
        }
        if (store == null) {
            throw new BenchException("sessions needs --store (redis://host:port, or mem: for the API alone)");
        }
        for (String t : targets) {
            if (!t.equals("api") && !t.equals("raw")) {
                throw new BenchException("unknown target '" + t + "'; sessions compares api and raw");
            }
            if (t.equals("raw") && !store.startsWith("redis://")) {
                throw new BenchException("the raw sessions baseline is Lettuce on redis://; '" + store + "' has none");
            }
        }
        return new Options(store, targets, options, threads, duration, warmup, rounds, ttl, users, out);
    }

    /** One round's measurements. */
    private static final class Round {
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

        void count(String what) {
            counts.computeIfAbsent(what, k -> new LongAdder()).increment();
        }
    }

    /** What a thread knows of a session it made. */
    private static final class Known {
        final String id;
        final String userId;
        volatile long expiresAt;
        volatile boolean loggedOut;

        Known(String id, String userId, long expiresAt) {
            this.id = id;
            this.userId = userId;
            this.expiresAt = expiresAt;
        }
    }

    public static Path run(Options o, PrintStream out, PrintStream err) throws Exception {
        Map<String, SessionTarget> targets = new LinkedHashMap<>();
        try {
            for (String t : o.targets()) {
                targets.put(t, t.equals("api") ? new SessionTarget.Api(o.store(), o.storeOptions())
                        : new SessionTarget.RawLettuce(o.store()));
            }
            out.printf("sessions: %s, %d threads, %d s x %d rounds after %d s warm-up each, TTL %d s, %d users, targets %s%n",
                    redact(o.store()), o.threads(), o.duration().toSeconds(), o.rounds(), o.warmup().toSeconds(),
                    o.ttl().toSeconds(), o.users(), targets.keySet());
            Map<String, List<Round>> rounds = new LinkedHashMap<>();
            List<String> order = new ArrayList<>(targets.keySet());
            String data = "x".repeat(200);
            if (!o.warmup().isZero()) {
                for (String t : order) {
                    err.printf("warm-up %s%n", t);
                    round(targets.get(t), new Options(o.store(), o.targets(), o.storeOptions(), o.threads(), o.warmup(),
                            o.warmup(), 1, o.ttl(), o.users(), o.out()), data, -1);
                }
            }
            for (int r = 0; r < o.rounds(); r++) {
                List<String> round = new ArrayList<>(order);
                if (r % 2 == 1) {
                    Collections.reverse(round);
                }
                for (String t : round) {
                    Round m = round(targets.get(t), o, data, r);
                    rounds.computeIfAbsent(t, k -> new ArrayList<>()).add(m);
                    err.printf("round %d %-4s %9.0f ops/s  %s%n", r + 1, t, m.ops / m.seconds, counts(m));
                }
            }
            // let everything written expire, then look for index entries expiry left behind
            Thread.sleep(o.ttl().toMillis() + 1500);
            IndexMaintenance.Report drift = targets.containsKey("api") ? targets.get("api").verify() : null;
            return report(o, rounds, drift, out);
        } finally {
            for (SessionTarget t : targets.values()) {
                t.close();
            }
        }
    }

    private static String counts(Round m) {
        Map<String, Long> c = new java.util.TreeMap<>();
        m.counts.forEach((k, v) -> c.put(k, v.sum()));
        return c.toString();
    }

    private static Round round(SessionTarget target, Options o, String data, int roundNo) throws InterruptedException {
        Round m = new Round();
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ops = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        long ttl = o.ttl().toMillis();
        for (int t = 0; t < o.threads(); t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(thread * 31L + roundNo * 1_000_003L + System.nanoTime());
                Known[] recent = new Known[512];
                int made = 0;
                String prefix = target.kind() + "-" + roundNo + "-" + thread + "-";
                while (running.get()) {
                    double p = random.nextDouble();
                    String op = made == 0 || p < 0.10 ? "login" : p < 0.80 ? "lookup" : p < 0.95 ? "touch" : "logout";
                    long start = System.nanoTime();
                    try {
                        switch (op) {
                            case "login" -> {
                                long expires = System.currentTimeMillis() + ttl;
                                Known k = new Known(prefix + made, "user" + random.nextInt(o.users()), expires);
                                target.save(new BenchSession(k.id, k.userId, data, Instant.ofEpochMilli(expires)));
                                recent[made++ % recent.length] = k;
                            }
                            case "lookup" -> {
                                Known k = recent[random.nextInt(Math.min(made, recent.length))];
                                BenchSession s = target.find(k.id);
                                long now = System.currentTimeMillis();
                                if (s != null && (k.loggedOut || now > k.expiresAt + GRACE_MILLIS)) {
                                    m.count("error:stale");
                                } else if (s == null && !k.loggedOut && now < k.expiresAt - GRACE_MILLIS) {
                                    m.count("error:lost");
                                } else if (s == null) {
                                    m.count("lookup:gone");
                                } else {
                                    m.count("lookup:found");
                                }
                            }
                            case "touch" -> {
                                Known k = recent[random.nextInt(Math.min(made, recent.length))];
                                if (!k.loggedOut) {
                                    long expires = System.currentTimeMillis() + ttl;
                                    target.save(new BenchSession(k.id, k.userId, data, Instant.ofEpochMilli(expires)));
                                    k.expiresAt = expires;
                                }
                            }
                            default -> {
                                Known k = recent[random.nextInt(Math.min(made, recent.length))];
                                k.loggedOut = true;
                                target.delete(k.id, k.userId);
                            }
                        }
                        m.record(op, System.nanoTime() - start);
                        ops.increment();
                    } catch (RuntimeException e) {
                        m.count("error:" + e.getClass().getSimpleName());
                    }
                }
            }, "sessions-" + t));
        }
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep(o.duration().toMillis());
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        m.seconds = (System.nanoTime() - t0) / 1e9;
        m.ops = ops.sum();
        return m;
    }

    private static Path report(Options o, Map<String, List<Round>> rounds, IndexMaintenance.Report drift, PrintStream out)
            throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"sessions\",\n  \"time\": \"").append(Instant.now())
                .append("\",\n  \"store\": \"").append(redact(o.store())).append("\",\n  \"threads\": ").append(o.threads())
                .append(",\n  \"ttlSeconds\": ").append(o.ttl().toSeconds()).append(",\n  \"rounds\": ").append(o.rounds())
                .append(",\n  \"targets\": {\n");
        out.printf("%n%-5s %10s  %s%n", "", "ops/s", "p50 / p99 us per operation");
        int n = 0;
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Round>> e : rounds.entrySet()) {
            List<Double> rates = new ArrayList<>();
            for (Round r : e.getValue()) {
                rates.add(r.ops / r.seconds);
            }
            double rate = Args.median(rates);
            medians.put(e.getKey(), rate);
            StringBuilder ops = new StringBuilder();
            json.append(n++ > 0 ? ",\n" : "").append("    \"").append(e.getKey()).append("\": {\"medianOpsPerSecond\": ")
                    .append(String.format(Locale.ROOT, "%.1f", rate)).append(", \"operations\": {");
            int k = 0;
            for (String op : OPS) {
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                for (Round r : e.getValue()) {
                    Histogram h = r.latency.get(op);
                    if (h != null) {
                        p50.add(h.getValueAtPercentile(50) / 1000.0);
                        p99.add(h.getValueAtPercentile(99) / 1000.0);
                    }
                }
                ops.append(String.format(Locale.ROOT, "  %s %.0f / %.0f", op, Args.median(p50), Args.median(p99)));
                json.append(k++ > 0 ? ", " : "").append("\"").append(op).append("\": {\"p50Micros\": ")
                        .append(String.format(Locale.ROOT, "%.1f", Args.median(p50))).append(", \"p99Micros\": ")
                        .append(String.format(Locale.ROOT, "%.1f", Args.median(p99))).append("}");
            }
            Map<String, Long> counts = new java.util.TreeMap<>();
            for (Round r : e.getValue()) {
                r.counts.forEach((c, v) -> counts.merge(c, v.sum(), Long::sum));
            }
            json.append("}, \"counts\": {");
            int c = 0;
            for (Map.Entry<String, Long> ce : counts.entrySet()) {
                json.append(c++ > 0 ? ", " : "").append("\"").append(ce.getKey()).append("\": ").append(ce.getValue());
            }
            json.append("}}");
            out.printf("%-5s %10.0f %s%n      %s%n", e.getKey(), rate, ops, counts);
        }
        json.append("\n  }");
        if (medians.containsKey("api") && medians.containsKey("raw")) {
            double ratio = medians.get("api") / medians.get("raw");
            out.printf("api/raw %.2f%n", ratio);
            json.append(",\n  \"apiToRaw\": ").append(String.format(Locale.ROOT, "%.3f", ratio));
        }
        if (drift != null) {
            out.printf("index check after expiry: %d sessions, %d missing and %d stale index entries%n", drift.entities(),
                    drift.missing(), drift.stale());
            json.append(",\n  \"indexDrift\": {\"entities\": ").append(drift.entities()).append(", \"missing\": ")
                    .append(drift.missing()).append(", \"stale\": ").append(drift.stale()).append("}");
        }
        json.append("\n}\n");
        Files.createDirectories(o.out());
        Path file = o.out().resolve("sessions-" + Instant.now().toString().replace(":", "") + ".json");
        Files.writeString(file, json.toString());
        return file;
    }

    private static String redact(String uri) {
        return io.polystore.spi.Redaction.uri(uri);
    }
}
