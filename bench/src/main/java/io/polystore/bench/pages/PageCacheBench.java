package io.polystore.bench.pages;

import io.polystore.bench.Args;
import io.polystore.bench.BenchException;
import io.polystore.pagecache.PageCache;
import io.polystore.pagecache.PageCacheFilter;
import io.polystore.pagecache.PageCacheHandler;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page cache benchmark: the same page served by Jetty without the filter ({@code plain}), from
 * the filter's memory ({@code l1}), from memory by the Jetty-core {@link PageCacheHandler} before
 * servlet dispatch ({@code core}), from Redis with no memory tier ({@code l2}), rendered on every
 * request in 10 ms through the filter ({@code miss}) and by nginx as a static file ({@code nginx}),
 * each loaded by wrk over loopback in alternating rounds. Reports medians of throughput and of
 * wrk's p50/p99, and the per-round ratios to {@code plain}.
 */
public final class PageCacheBench {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PCT = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)|Socket errors: (.*)");

    /** Options of the {@code pages} command. */
    public record Options(String redis, int connections, int wrkThreads, Duration duration, Duration warmup, int rounds,
            int pageBytes, boolean nginx, List<String> targets, Path out) {
    }

    private record Sample(double rps, double p50Micros, double p99Micros, String errors) {
    }

    private PageCacheBench() {
    }

    /**
     * @param targets the targets, or null for the default set (l2 with a Redis, nginx unless switched off)
     * @return the pages command's options
     * @throws BenchException for an unknown target, or l2 without a Redis
     */
    public static Options options(String redis, int connections, int wrkThreads, Duration duration, Duration warmup, int rounds,
            int pageBytes, boolean nginx, List<String> targets, Path out) {
        if (targets == null) {
            targets = new ArrayList<>(List.of("plain", "l1", "core"));
            if (redis != null) {
                targets.add("l2");
            }
            targets.add("miss");
            if (nginx) {
                targets.add("nginx");
            }
        }
        for (String t : targets) {
            if (!List.of("plain", "l1", "core", "l2", "miss", "nginx").contains(t)) {
                throw new BenchException("unknown pages target '" + t + "'; known: plain, l1, core, l2, miss, nginx");
            }
            if (t.equals("l2") && redis == null) {
                throw new BenchException("the l2 target needs --redis redis://host:port");
            }
        }
        return new Options(redis, connections, wrkThreads, duration, warmup, rounds, pageBytes, nginx, List.copyOf(targets), out);
    }

    /** The page every target serves, and the servlet that renders it (optionally slowly). */
    static final class PageServlet extends HttpServlet {
        private final byte[] page;
        private final long renderMillis;
        private final int maxAge;

        PageServlet(byte[] page, long renderMillis) {
            this(page, renderMillis, 3600);
        }

        PageServlet(byte[] page, long renderMillis, int maxAge) {
            this.page = page;
            this.renderMillis = renderMillis;
            this.maxAge = maxAge;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            if (renderMillis > 0) {
                try {
                    Thread.sleep(renderMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            res.setContentType("text/html;charset=utf-8");
            res.setHeader("Cache-Control", "public, max-age=" + maxAge);
            res.setContentLength(page.length);
            res.getOutputStream().write(page);
        }
    }

    static byte[] page(int bytes) {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><title>bench</title></head><body>\n");
        int i = 0;
        while (sb.length() < bytes - 20) {
            sb.append("<p>Paragraph ").append(i++).append(" of a rendered page, from four stores.</p>\n");
        }
        sb.setLength(Math.min(sb.length(), bytes - 15));
        sb.append("</body></html>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Server jetty(HttpServlet servlet, PageCache cache) throws Exception {
        return jetty(servlet, cache, false);
    }

    /** @param core whether the Jetty-core PageCacheHandler answers memory hits before servlet dispatch */
    static Server jetty(HttpServlet servlet, PageCache cache, boolean core) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(servlet), "/*");
        if (cache != null) {
            context.addFilter(new FilterHolder(new PageCacheFilter(cache)), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        server.setHandler(core ? new PageCacheHandler(cache, context) : context);
        server.start();
        return server;
    }

    static int port(Server s) {
        return ((ServerConnector) s.getConnectors()[0]).getLocalPort();
    }

    /** Runs the benchmark; returns the JSON result file. */
    public static Path run(Options o, PrintStream out, PrintStream err) throws Exception {
        requireWrk();
        byte[] page = page(o.pageBytes());
        List<AutoCloseable> closers = new ArrayList<>();
        Map<String, String> urls = new LinkedHashMap<>();
        Path work = Files.createTempDirectory("polystore-pages-bench-");
        Path lua = work.resolve("unique.lua");
        // a URL no earlier request (of any wrk thread or run) asked for: every request is a miss
        Files.writeString(lua, """
                local threads = 0
                function setup(thread)
                  threads = threads + 1
                  thread:set("id", threads)
                end
                local n = 0
                function init(args)
                  prefix = id .. "-" .. os.time() .. "-"
                end
                request = function()
                  n = n + 1
                  return wrk.format("GET", "/page?i=" .. prefix .. n)
                end
                """);
        try {
            for (String t : o.targets()) {
                switch (t) {
                    case "plain" -> {
                        Server s = jetty(new PageServlet(page, 0), null);
                        closers.add(s::stop);
                        urls.put(t, "http://127.0.0.1:" + port(s) + "/page");
                    }
                    case "l1" -> {
                        PageCache cache = PageCache.builder().namespace("bench:pages:" + UUID.randomUUID()).build();
                        Server s = jetty(new PageServlet(page, 0), cache);
                        closers.add(cache);
                        closers.add(s::stop);
                        urls.put(t, "http://127.0.0.1:" + port(s) + "/page");
                    }
                    case "core" -> {
                        PageCache cache = PageCache.builder().namespace("bench:pages:" + UUID.randomUUID()).build();
                        Server s = jetty(new PageServlet(page, 0), cache, true);
                        closers.add(cache);
                        closers.add(s::stop);
                        urls.put(t, "http://127.0.0.1:" + port(s) + "/page");
                    }
                    case "l2" -> {
                        // a memory tier too small for any page: every hit comes from Redis
                        PageCache cache = PageCache.builder().redis(o.redis()).localMaxBytes(1)
                                .namespace("bench:pages:" + UUID.randomUUID()).redisTimeout(Duration.ofSeconds(1)).build();
                        Server s = jetty(new PageServlet(page, 0), cache);
                        closers.add(cache);
                        closers.add(s::stop);
                        urls.put(t, "http://127.0.0.1:" + port(s) + "/page");
                    }
                    case "miss" -> {
                        PageCache cache = PageCache.builder().namespace("bench:pages:" + UUID.randomUUID())
                                .localMaxBytes(64L << 20).build();
                        Server s = jetty(new PageServlet(page, 10), cache);
                        closers.add(cache);
                        closers.add(s::stop);
                        urls.put(t, "http://127.0.0.1:" + port(s) + "/page");
                    }
                    case "nginx" -> {
                        Nginx n = Nginx.start(work.resolve("nginx"), page);
                        closers.add(n);
                        urls.put(t, "http://127.0.0.1:" + n.port() + "/page");
                    }
                    default -> throw new IllegalStateException(t);
                }
            }
            out.printf("page-cache bench: %d-byte page, wrk -t%d -c%d, %ds x %d rounds, targets %s%n", page.length,
                    o.wrkThreads(), o.connections(), o.duration().toSeconds(), o.rounds(), urls.keySet());
            for (Map.Entry<String, String> e : urls.entrySet()) {
                err.println("warm-up " + e.getKey());
                wrk(o, e.getValue(), o.warmup(), e.getKey().equals("miss") ? lua : null);
            }
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            List<String> order = new ArrayList<>(urls.keySet());
            for (int r = 0; r < o.rounds(); r++) {
                List<String> round = new ArrayList<>(order);
                if (r % 2 == 1) {
                    Collections.reverse(round);
                }
                for (String t : round) {
                    Sample s = wrk(o, urls.get(t), o.duration(), t.equals("miss") ? lua : null);
                    samples.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
                    err.printf("round %d %-6s %10.0f req/s  p50 %8.0f us  p99 %8.0f us%s%n", r + 1, t, s.rps(),
                            s.p50Micros(), s.p99Micros(), s.errors().isEmpty() ? "" : "  " + s.errors());
                }
            }
            return report(o, page.length, samples, out);
        } finally {
            Collections.reverse(closers);
            for (AutoCloseable c : closers) {
                try {
                    c.close();
                } catch (Exception e) {
                    err.println("cannot stop: " + e);
                }
            }
        }
    }

    private static Path report(Options o, int pageBytes, Map<String, List<Sample>> samples, PrintStream out)
            throws IOException {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"benchmark\": \"page-cache\",\n  \"time\": \"").append(Instant.now()).append("\",\n")
                .append("  \"pageBytes\": ").append(pageBytes).append(",\n  \"connections\": ").append(o.connections())
                .append(",\n  \"wrkThreads\": ").append(o.wrkThreads()).append(",\n  \"durationSeconds\": ")
                .append(o.duration().toSeconds()).append(",\n  \"rounds\": ").append(o.rounds())
                .append(",\n  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n  \"targets\": {\n");
        out.printf("%n%-6s %12s %10s %10s %16s%n", "target", "req/s (med)", "p50 us", "p99 us", "ratio to plain");
        List<Sample> plain = samples.get("plain");
        int n = 0;
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            List<Sample> s = e.getValue();
            double rps = Args.median(s.stream().map(Sample::rps).toList());
            double p50 = Args.median(s.stream().map(Sample::p50Micros).toList());
            double p99 = Args.median(s.stream().map(Sample::p99Micros).toList());
            Double ratio = null;
            if (plain != null && !e.getKey().equals("plain")) {
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < Math.min(s.size(), plain.size()); i++) {
                    ratios.add(s.get(i).rps() / plain.get(i).rps());
                }
                ratio = Args.median(ratios);
            }
            out.printf("%-6s %12.0f %10.0f %10.0f %16s%n", e.getKey(), rps, p50, p99,
                    ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio));
            json.append(n++ > 0 ? ",\n" : "").append("    \"").append(e.getKey()).append("\": {\"medianRps\": ")
                    .append(String.format(Locale.ROOT, "%.1f", rps)).append(", \"medianP50Micros\": ")
                    .append(String.format(Locale.ROOT, "%.1f", p50)).append(", \"medianP99Micros\": ")
                    .append(String.format(Locale.ROOT, "%.1f", p99));
            if (ratio != null) {
                json.append(", \"medianRatioToPlain\": ").append(String.format(Locale.ROOT, "%.3f", ratio));
            }
            json.append(", \"rps\": ").append(s.stream().map(x -> String.format(Locale.ROOT, "%.1f", x.rps())).toList())
                    .append("}");
        }
        json.append("\n  }\n}\n");
        Files.createDirectories(o.out());
        Path file = o.out().resolve("pages-" + Instant.now().toString().replace(":", "") + ".json");
        Files.writeString(file, json.toString());
        return file;
    }

    private static void requireWrk() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException e) {
            throw new BenchException("the pages benchmark runs wrk, which is not installed (apt-get install wrk)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Sample wrk(Options o, String url, Duration d, Path script) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + o.wrkThreads(), "-c" + o.connections(),
                "-d" + d.toSeconds() + "s", "--latency", "--timeout", "5s"));
        if (script != null) {
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new BenchException("wrk failed: " + text);
        }
        Matcher rps = RPS.matcher(text);
        if (!rps.find()) {
            throw new IllegalStateException("cannot read wrk's output:\n" + text);
        }
        double p50 = -1;
        double p99 = -1;
        Matcher pct = PCT.matcher(text);
        while (pct.find()) {
            double v = Double.parseDouble(pct.group(2));
            v = switch (pct.group(3)) {
                case "ms" -> v * 1000;
                case "s" -> v * 1_000_000;
                default -> v;
            };
            if (pct.group(1).equals("50")) {
                p50 = v;
            } else {
                p99 = v;
            }
        }
        StringBuilder errors = new StringBuilder();
        Matcher err = ERRORS.matcher(text);
        while (err.find()) {
            errors.append(err.group().trim()).append(' ');
        }
        return new Sample(Double.parseDouble(rps.group(1)), p50, p99, errors.toString().trim());
    }
}
