package io.polystore.bench.pages;

import io.polystore.bench.Args;
import io.polystore.bench.BenchException;
import io.polystore.bench.generator.KeyChooser;
import io.polystore.pagecache.PageCache;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.server.Server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The page-cache workload: HTTP GETs over a set of URLs chosen by a YCSB request distribution
 * (zipfian by default) against a running app, counting how each was answered by its
 * {@code X-Cache} header (HIT-L1, HIT-L2, MISS, STALE, BYPASS) with a latency histogram per
 * outcome. {@code --self} starts an app in this process: Jetty, the page cache (with a memory tier
 * smaller than the page set, and Redis when {@code --redis} is given) and a handler that takes
 * {@code --render-ms} per page.
 */
public final class HttpWorkload {
    /** Options of the {@code http} command. */
    public record Options(String urlTemplate, boolean self, String redis, long l1Bytes, int renderMillis, int ttlSeconds,
            int urls, String distribution, int threads, Duration duration, Duration warmup, Path out) {
        /** @throws BenchException for neither a URL nor --self, a URL without {n}, or an unknown distribution */
        public Options {
            if (urlTemplate == null && !self) {
                throw new BenchException("http needs --url http://host:port/path/{n} (a running app) or --self");
            }
            if (urlTemplate != null && !urlTemplate.contains("{n}")) {
                throw new BenchException("--url must hold {n}, replaced by the page number: " + urlTemplate);
            }
            try {
                KeyChooser.of(distribution, urls, 0.99, 0.2, 0.8);
            } catch (IllegalArgumentException e) {
                throw new BenchException(e.getMessage());
            }
        }
    }

    private HttpWorkload() {
    }

    /** Counts and latencies per X-Cache value of one phase. */
    private static final class Tally {
        final Map<String, Histogram> latency = new ConcurrentHashMap<>();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

        void record(String outcome, long nanos) {
            Histogram h = latency.computeIfAbsent(outcome, o -> new Histogram(3_600_000_000_000L, 3));
            synchronized (h) {
                h.recordValue(Math.max(1, nanos));
            }
        }
    }

    public static Path run(Options o, PrintStream out, PrintStream err) throws Exception {
        List<AutoCloseable> closers = new ArrayList<>();
        String template = o.urlTemplate();
        PageCache cache = null;
        try {
            if (o.self()) {
                PageCache.Builder b = PageCache.builder().namespace("bench:http:" + UUID.randomUUID())
                        .localMaxBytes(o.l1Bytes());
                if (o.redis() != null) {
                    b.redis(o.redis()).redisTimeout(Duration.ofSeconds(1));
                }
                cache = b.build();
                closers.add(cache);
                Server server = PageCacheBench.jetty(new PageCacheBench.PageServlet(PageCacheBench.page(8192), o.renderMillis(),
                        o.ttlSeconds()), cache);
                closers.add(server::stop);
                template = "http://127.0.0.1:" + PageCacheBench.port(server) + "/articles/{n}";
            }
            out.printf("http workload: %s, %d URLs (%s), %d threads, %ds after %ds warm-up%s%n", template, o.urls(),
                    o.distribution(), o.threads(), o.duration().toSeconds(), o.warmup().toSeconds(),
                    o.self() ? String.format(Locale.ROOT, "; self-hosted: L1 %d bytes, %s, %d ms render, max-age=%d",
                            o.l1Bytes(), o.redis() == null ? "no Redis" : "Redis " + o.redis(), o.renderMillis(),
                            o.ttlSeconds()) : "");
            if (!o.warmup().isZero()) {
                phase(o, template, o.warmup(), err);
            }
            long t0 = System.nanoTime();
            Tally tally = phase(o, template, o.duration(), err);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return report(o, template, tally, seconds, cache, out);
        } finally {
            for (int i = closers.size() - 1; i >= 0; i--) {
                try {
                    closers.get(i).close();
                } catch (Exception e) {
                    err.println("cannot stop: " + e);
                }
            }
        }
    }

    private static Tally phase(Options o, String template, Duration length, PrintStream err) throws InterruptedException {
        Tally tally = new Tally();
        KeyChooser chooser = KeyChooser.of(o.distribution(), o.urls(), 0.99, 0.2, 0.8);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        // URLs made before the clock starts: choosing one costs an array read
        URI[] uris = new URI[o.urls()];
        for (int i = 0; i < uris.length; i++) {
            uris[i] = URI.create(template.replace("{n}", Integer.toString(i)));
        }
        for (int t = 0; t < o.threads(); t++) {
            SplittableRandom random = new SplittableRandom(t * 7919L + System.nanoTime());
            Thread thread = new Thread(() -> {
                try (KeepAliveClient client = new KeepAliveClient(uris[0].getHost(),
                        uris[0].getPort() < 0 ? 80 : uris[0].getPort(), 10_000)) {
                    while (running.get()) {
                        URI uri = uris[(int) chooser.next(random, uris.length)];
                        long start = System.nanoTime();
                        try {
                            KeepAliveClient.Answer r = client.get(uri, "x-cache");
                            long nanos = System.nanoTime() - start;
                            String outcome = r.status() >= 500 ? "HTTP-" + r.status()
                                    : r.header() == null ? "(no X-Cache)" : r.header();
                            tally.record(outcome, nanos);
                        } catch (IOException e) {
                            tally.errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
                        }
                    }
                }
            }, "http-load-" + t);
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(length.toMillis());
        running.set(false);
        for (Thread t : threads) {
            t.join(15_000);
        }
        return tally;
    }

    private static Path report(Options o, String template, Tally tally, double seconds, PageCache cache, PrintStream out)
            throws IOException {
        long total = 0;
        Map<String, Histogram> sorted = new TreeMap<>(tally.latency);
        for (Histogram h : sorted.values()) {
            total += h.getTotalCount();
        }
        out.printf("%n%-14s %10s %8s %10s %10s %10s%n", "answered as", "requests", "share", "p50 us", "p99 us", "max us");
        StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"page-cache-http\",\n  \"time\": \"")
                .append(Instant.now()).append("\",\n  \"url\": \"").append(template.replace("\"", "\\\"")).append("\",\n")
                .append("  \"urls\": ").append(o.urls()).append(",\n  \"distribution\": \"").append(o.distribution())
                .append("\",\n  \"threads\": ").append(o.threads()).append(",\n  \"seconds\": ")
                .append(String.format(Locale.ROOT, "%.1f", seconds)).append(",\n  \"requestsPerSecond\": ")
                .append(String.format(Locale.ROOT, "%.1f", total / seconds)).append(",\n  \"outcomes\": {\n");
        int n = 0;
        for (Map.Entry<String, Histogram> e : sorted.entrySet()) {
            Histogram h = e.getValue();
            double share = total == 0 ? 0 : (double) h.getTotalCount() / total;
            out.printf("%-14s %10d %7.1f%% %10.0f %10.0f %10.0f%n", e.getKey(), h.getTotalCount(), share * 100,
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
            json.append(n++ > 0 ? ",\n" : "").append("    \"").append(e.getKey()).append("\": {\"requests\": ")
                    .append(h.getTotalCount()).append(", \"share\": ").append(String.format(Locale.ROOT, "%.4f", share))
                    .append(", \"p50Micros\": ").append(h.getValueAtPercentile(50) / 1000)
                    .append(", \"p99Micros\": ").append(h.getValueAtPercentile(99) / 1000)
                    .append(", \"maxMicros\": ").append(h.getMaxValue() / 1000).append("}");
        }
        json.append("\n  },\n  \"errors\": {");
        n = 0;
        for (Map.Entry<String, LongAdder> e : tally.errors.entrySet()) {
            json.append(n++ > 0 ? ", " : "").append("\"").append(e.getKey()).append("\": ").append(e.getValue().sum());
        }
        json.append("}");
        if (cache != null) {
            json.append(",\n  \"cacheStats\": \"").append(cache.stats()).append("\"");
        }
        json.append("\n}\n");
        out.printf("%.0f requests/s; errors %s%n", total / seconds, tally.errors);
        if (cache != null) {
            out.println("cache: " + cache.stats());
        }
        Files.createDirectories(o.out());
        Path file = o.out().resolve("http-" + Instant.now().toString().replace(":", "") + ".json");
        Files.writeString(file, json.toString());
        return file;
    }
}
