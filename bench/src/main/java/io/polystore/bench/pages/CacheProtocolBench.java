package io.polystore.bench.pages;

import io.polystore.bench.Args;
import io.polystore.bench.BenchException;
import io.polystore.pagecache.PageCache;
import io.polystore.pagecache.PurgeResult;
import io.polystore.pagecache.proxy.PageProxy;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.server.Server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Two latency figures of the page cache's protocol work:
 *
 * <ul>
 *   <li>{@code purge-propagation}: a purge made on one node (this JVM) until another node (a second
 *   JVM serving the page from its memory) stops serving it; also how long the purge call takes to
 *   be accepted by Redis. Every purge is checked: one that never reaches the other node is counted
 *   as lost.</li>
 *   <li>{@code revalidation}: the standalone proxy in front of an origin over loopback, the same
 *   page of {@code --page-bytes} stale on every request ({@code max-age=0} with an ETag); in one
 *   target the origin answers the conditional request with a 304 ({@code 304}), in the other it
 *   ignores the validator and sends the whole page again ({@code full}). Rounds alternate.</li>
 * </ul>
 */
public final class CacheProtocolBench {
    private CacheProtocolBench() {
    }

    /** Options of both commands. */
    public record Options(String command, String redis, int purges, int pageBytes, int requests, int rounds, Path out) {
    }

    /**
     * @param command {@code purge-propagation} or {@code revalidation}
     * @return the command's options
     * @throws BenchException for purge-propagation without a Redis
     */
    public static Options options(String command, String redis, int purges, int pageBytes, int requests, int rounds, Path out) {
        if (command.equals("purge-propagation") && redis == null) {
            throw new BenchException("purge-propagation needs --redis redis://host:port (both nodes share it)");
        }
        return new Options(command, redis, purges, pageBytes, requests, rounds, out);
    }

    public static Path run(Options o, PrintStream out, PrintStream err) throws Exception {
        return o.command().equals("purge-propagation") ? purgePropagation(o, out) : revalidation(o, out);
    }

    // ---- purge propagation across two JVMs -------------------------------------------------------

    /** The second node: a Jetty with the page cache, in its own JVM; prints its port, stops when stdin closes. */
    public static void main(String[] args) throws Exception {
        PageCache cache = PageCache.builder().redis(args[0]).namespace(args[1]).build();
        Server server = PageCacheBench.jetty(new PageCacheBench.PageServlet(PageCacheBench.page(8192), 0), cache);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cache.sharedTierConnected() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("port " + PageCacheBench.port(server));
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the parent closes the pipe
        }
        server.stop();
        cache.close();
    }

    private static Path purgePropagation(Options o, PrintStream out) throws Exception {
        String namespace = "bench:purges:" + UUID.randomUUID();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process node = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CacheProtocolBench.class.getName(), o.redis(), namespace)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Histogram propagation = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        Histogram delivery = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        int lost = 0;
        try (PageCache here = PageCache.builder().redis(o.redis()).namespace(namespace).build();
             BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String first = lines.readLine();
            if (first == null || !first.startsWith("port ")) {
                throw new BenchException("the second node did not start: " + first);
            }
            int port = Integer.parseInt(first.substring(5).trim());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!here.sharedTierConnected() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            try (KeepAliveClient client = new KeepAliveClient("127.0.0.1", port, 10_000)) {
                for (int i = 0; i < o.purges() + 20; i++) {
                    URI page = URI.create("http://127.0.0.1:" + port + "/purged/" + i);
                    client.get(page, "x-cache");
                    long fill = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!"HIT-L1".equals(client.get(page, "x-cache").header())) {
                        if (System.nanoTime() > fill) {
                            throw new BenchException("the second node does not serve " + page + " from memory");
                        }
                        Thread.sleep(1);
                    }
                    long t0 = System.nanoTime();
                    AtomicLong accepted = new AtomicLong();
                    CompletableFuture<PurgeResult> done = here.purgeUrlAsync(page.toString());
                    done.thenRun(() -> accepted.set(System.nanoTime()));
                    long gone = -1;
                    long limit = t0 + TimeUnit.SECONDS.toNanos(5);
                    while (System.nanoTime() < limit) {
                        if (!"HIT-L1".equals(client.get(page, "x-cache").header())) {
                            gone = System.nanoTime();
                            break;
                        }
                        // a short pause: polling flat out would take the CPU the nodes need (resolution ~0.2 ms)
                        LockSupport.parkNanos(100_000);
                    }
                    PurgeResult r = done.get(10, TimeUnit.SECONDS);
                    if (i < 20) {
                        continue; // warm-up
                    }
                    if (gone < 0 || !r.delivered()) {
                        lost++;
                        continue;
                    }
                    propagation.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(gone - t0)));
                    delivery.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(accepted.get() - t0)));
                }
            }
        } finally {
            node.getOutputStream().close();
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        out.printf("purge propagation over %d purges, second node in its own JVM (%d lost)%n", o.purges(), lost);
        out.printf("%-28s %10s %10s %10s%n", "", "p50 ms", "p99 ms", "max ms");
        row(out, "until the other node misses", propagation);
        row(out, "until Redis accepted it", delivery);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("purges", o.purges());
        json.put("lost", lost);
        json.put("propagation", percentiles(propagation));
        json.put("delivery", percentiles(delivery));
        return write(o, "purges", json);
    }

    // ---- revalidation (304) against a full refetch ----------------------------------------------

    /** The origin's page: max-age=0 with an ETag; a 304 to a matching If-None-Match unless told to ignore it. */
    static final class ValidatedPage extends HttpServlet {
        private final byte[] page;

        ValidatedPage(byte[] page) {
            this.page = page;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setHeader("Cache-Control", "max-age=0");
            res.setHeader("ETag", "\"v1\"");
            if (req.getRequestURI().startsWith("/304") && "\"v1\"".equals(req.getHeader("If-None-Match"))) {
                res.setStatus(304);
                return;
            }
            res.setContentType("text/html;charset=utf-8");
            res.setContentLength(page.length);
            res.getOutputStream().write(page);
        }
    }

    private static Path revalidation(Options o, PrintStream out) throws Exception {
        Server origin = PageCacheBench.jetty(new ValidatedPage(PageCacheBench.page(o.pageBytes())), null);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen", "127.0.0.1:0");
        settings.put("origin", "http://127.0.0.1:" + PageCacheBench.port(origin));
        settings.put("status-headers", "true");
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        samples.put("304", new ArrayList<>());
        samples.put("full", new ArrayList<>());
        try (PageProxy proxy = PageProxy.start(settings, "revalidation bench")) {
            try (KeepAliveClient client = new KeepAliveClient("127.0.0.1", proxy.port(), 10_000)) {
                for (String target : samples.keySet()) {
                    measure(client, proxy.port(), target, Math.max(200, o.requests() / 5)); // warm-up
                }
                for (int round = 0; round < o.rounds(); round++) {
                    List<String> order = round % 2 == 0 ? List.of("304", "full") : List.of("full", "304");
                    for (String target : order) {
                        samples.get(target).add(measure(client, proxy.port(), target, o.requests()));
                    }
                }
            }
        } finally {
            origin.stop();
        }
        out.printf("revalidation of a stale %d-byte page through the proxy, %d requests x %d rounds%n",
                o.pageBytes(), o.requests(), o.rounds());
        out.printf("%-6s %12s %10s %10s%n", "", "req/s", "p50 µs", "p99 µs");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pageBytes", o.pageBytes());
        for (Map.Entry<String, List<double[]>> e : samples.entrySet()) {
            double rps = Args.median(e.getValue().stream().map(s -> s[0]).toList());
            double p50 = Args.median(e.getValue().stream().map(s -> s[1]).toList());
            double p99 = Args.median(e.getValue().stream().map(s -> s[2]).toList());
            out.printf("%-6s %12.0f %10.0f %10.0f%n", e.getKey(), rps, p50, p99);
            json.put(e.getKey(), Map.of("medianRps", rps, "medianP50Micros", p50, "medianP99Micros", p99));
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < o.rounds(); i++) {
            ratios.add(samples.get("304").get(i)[0] / samples.get("full").get(i)[0]);
        }
        double ratio = Args.median(ratios);
        out.printf("304 / full throughput: %.2f (median of the per-round ratios)%n", ratio);
        json.put("ratio304ToFull", ratio);
        return write(o, "revalidation", json);
    }

    /** @return {req/s, p50 µs, p99 µs} of {@code n} sequential requests, each checked to be what the target says */
    private static double[] measure(KeepAliveClient client, int port, String target, int n) throws IOException {
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        URI uri = URI.create("http://127.0.0.1:" + port + "/" + target + "/page");
        String expected = target.equals("304") ? "REVALIDATED" : "MISS";
        long start = System.nanoTime();
        int checked = 0;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            KeepAliveClient.Answer a = client.get(uri, "x-cache");
            h.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t)));
            if (a.status() != 200) {
                throw new BenchException(target + ": status " + a.status());
            }
            if (expected.equals(a.header())) {
                checked++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (checked < n - 1) {
            throw new BenchException(target + ": expected X-Cache " + expected + ", got it on " + checked + " of " + n);
        }
        return new double[] {n / seconds, h.getValueAtPercentile(50), h.getValueAtPercentile(99)};
    }

    // ---- output ----------------------------------------------------------------------------------

    private static void row(PrintStream out, String name, Histogram h) {
        out.printf("%-28s %10.2f %10.2f %10.2f%n", name, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50Ms", h.getValueAtPercentile(50) / 1000.0);
        m.put("p99Ms", h.getValueAtPercentile(99) / 1000.0);
        m.put("maxMs", h.getMaxValue() / 1000.0);
        m.put("count", h.getTotalCount());
        return m;
    }

    private static Path write(Options o, String name, Map<String, Object> values) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"command\": \"" + o.command() + "\",\n  \"time\": \""
                + Instant.now() + "\",\n  \"cores\": " + Runtime.getRuntime().availableProcessors());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            json.append(",\n  \"").append(e.getKey()).append("\": ").append(jsonValue(e.getValue()));
        }
        json.append("\n}\n");
        Files.createDirectories(o.out());
        Path file = o.out().resolve(name + "-" + Instant.now().toString().replace(":", "") + ".json");
        Files.writeString(file, json.toString());
        return file;
    }

    private static String jsonValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            int n = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(n++ > 0 ? ", " : "").append('"').append(e.getKey()).append("\": ").append(jsonValue(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.3f", d);
        }
        return String.valueOf(v);
    }
}
