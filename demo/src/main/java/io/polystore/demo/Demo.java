package io.polystore.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.polystore.Polystore;
import io.polystore.demo.web.Health;
import io.polystore.demo.web.Metrics;
import io.polystore.demo.web.OidcLogin;
import io.polystore.demo.web.Static;
import io.polystore.demo.web.Web;
import io.polystore.pagecache.MicrometerListener;
import io.polystore.pagecache.PageCache;
import io.polystore.pagecache.PageCacheFilter;
import io.polystore.pagecache.PageCacheHandler;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One running instance of the app: the stores from the configuration file, the page cache, a
 * Redis it started when the configuration asks for one, and Jetty. {@link #close()} stops them
 * in order (requests in flight finish first).
 */
public final class Demo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    private static final Logger access = LoggerFactory.getLogger("polynotes.access");

    private final Settings settings;
    private final Polystore polystore;
    private final Polynotes app;
    private final PageCache cache;
    private final Server server;
    private final EmbeddedRedis redis;
    private final int port;
    private final Web web;

    /**
     * How to start.
     *
     * @param config      the YAML text
     * @param source      its name, for messages ({@code classpath:polystore.yaml})
     * @param host        the address to listen on
     * @param port        the port (0: any free one)
     * @param dataDir     where embedded stores keep their files
     * @param node        this node's name (footer, logs)
     * @param seedUsers   people to seed an empty app with (0: none)
     * @param seedNotes   notes to seed
     * @param variables   placeholder values that win over the environment (tests)
     * @param oidcIssuer  an OpenID Connect issuer URL, or null
     * @param oidcClient  its client id
     * @param oidcSecret  its client secret
     * @param oidcLabel   its name on buttons
     * @param baseUrl     the app's public URL, or null
     * @param bcryptCost  the bcrypt work factor (log2 rounds)
     * @param forwarded   whether to trust {@code Forwarded} and {@code X-Forwarded-*} headers (only behind a
     *                    proxy that sets them): the client's address, and TLS for {@code Secure} cookies
     */
    public record Settings(String config, String source, String host, int port, Path dataDir, String node, int seedUsers,
                           int seedNotes, Map<String, String> variables, String oidcIssuer, String oidcClient,
                           String oidcSecret, String oidcLabel, String baseUrl, int bcryptCost, boolean forwarded) {
    }

    private Demo(Settings settings, PrintStream out) throws Exception {
        this.settings = settings;
        Files.createDirectories(settings.dataDir());
        RedisVariables vars = new RedisVariables(settings, out);
        Polystore ps = null;
        PageCache pc = null;
        try {
            ps = Polystore.fromYaml(settings.config(), settings.source(), vars);
            this.redis = vars.redis;
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            pc = PageCache.builder().apply(ps.settings("page-cache"), ps.source())
                    .listener(new MicrometerListener(registry, "pages")).build();
            ps.addListener(new OperationTimers(registry));
            this.app = new Polynotes(ps, Clock.systemUTC());
            BCryptPasswordEncoder passwords = new BCryptPasswordEncoder(settings.bcryptCost());
            if (settings.seedUsers() > 0) {
                new Seeder(app, out, 42, settings.seedUsers(), settings.seedNotes()).seedIfEmpty(passwords.encode(Seeder.DEMO_PASSWORD));
            }
            OidcLogin oidc = settings.oidcIssuer() == null || settings.oidcIssuer().isBlank() ? null
                    : new OidcLogin(settings.oidcIssuer(), settings.oidcClient(), settings.oidcSecret(), settings.oidcLabel(),
                    settings.baseUrl(), app.counters());
            this.web = new Web(app, pc, passwords, oidc, settings.node());

            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("polynotes");
            Server s = new Server(threads);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            if (settings.forwarded()) {
                http.addCustomizer(new ForwardedRequestCustomizer());
            }
            ServerConnector connector = new ServerConnector(s, new HttpConnectionFactory(http));
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            s.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addFilter(new FilterHolder(new PageCacheFilter(pc)), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder("pages", web), "/");
            context.addServlet(new ServletHolder("static", new Static()), "/static/*");
            context.addServlet(new ServletHolder("health", new Health(app, pc)), "/health");
            context.addServlet(new ServletHolder("metrics", new Metrics(registry)), "/metrics");
            // the Jetty-core mode: pages this node holds in memory are answered before servlet dispatch
            s.setHandler(new GracefulHandler(new PageCacheHandler(pc, context)));
            s.setStopTimeout(10_000);
            s.setRequestLog(Demo::logRequest);
            s.start();
            this.server = s;
            this.port = connector.getLocalPort();
            this.polystore = ps;
            this.cache = pc;
        } catch (Exception | Error e) {
            if (pc != null) {
                pc.close();
            }
            if (ps != null) {
                ps.close();
            }
            if (vars.redis != null) {
                vars.redis.close();
            }
            throw e;
        }
    }

    /**
     * Starts the app.
     *
     * @param settings how
     * @param out      where the seeding progress goes
     * @return the running app
     * @throws Exception when a store, the cache or the server cannot start
     */
    public static Demo start(Settings settings, PrintStream out) throws Exception {
        return new Demo(settings, out);
    }

    private static void logRequest(Request request, Response response) {
        if (!access.isInfoEnabled()) {
            return;
        }
        long nanos = System.nanoTime() - request.getBeginNanoTime();
        String cache = response.getHeaders().get("X-Cache");
        access.info("method={} path=\"{}\" status={} bytes={} ms={} cache={} remote={}", request.getMethod(),
                request.getHttpURI().getPathQuery().replace("\"", "%22"), response.getStatus(),
                Response.getContentBytesWritten(response), String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6),
                cache == null ? "-" : cache, Request.getRemoteAddr(request));
    }

    /** @return {@code http://host:port} */
    public String url() {
        String host = settings.host().equals("0.0.0.0") || settings.host().isEmpty() ? "localhost" : settings.host();
        return "http://" + host + ":" + port;
    }

    /** @return the port it listens on */
    public int port() {
        return port;
    }

    /** @return the app */
    public Polynotes app() {
        return app;
    }

    /** @return the page cache */
    public PageCache cache() {
        return cache;
    }

    /** @return the web handler */
    public Web web() {
        return web;
    }

    /** @return the Redis this instance started, if it started one */
    public Optional<EmbeddedRedis> redis() {
        return Optional.ofNullable(redis);
    }

    /** Stops Jetty (letting requests in flight finish), then the cache, the stores and Redis. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the server: {}", e.toString());
        }
        cache.close();
        polystore.close();
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * Placeholder values: the settings' own, then the environment and system properties, then
     * {@code DEMO_DATA_DIR} and the two Redis variables, which start a {@code redis-server} the
     * first time the configuration asks for one: {@code DEMO_KV_URL} (its URL, or {@code mem:kv}
     * when none can run) and {@code DEMO_CACHE_REDIS} (its URL, or empty: no shared tier).
     */
    private static final class RedisVariables implements Function<String, String> {
        private final Settings settings;
        private final PrintStream out;
        private EmbeddedRedis redis;
        private boolean tried;

        RedisVariables(Settings settings, PrintStream out) {
            this.settings = settings;
            this.out = out;
        }

        @Override
        public String apply(String name) {
            String v = settings.variables().get(name);
            if (v == null) {
                v = System.getenv(name);
            }
            if (v == null) {
                v = System.getProperty(name);
            }
            if (v != null) {
                return v;
            }
            return switch (name) {
                case "DEMO_DATA_DIR" -> settings.dataDir().toAbsolutePath().toString();
                case "DEMO_KV_URL" -> embedded().map(EmbeddedRedis::url).orElse("mem:kv");
                case "DEMO_CACHE_REDIS" -> embedded().map(EmbeddedRedis::url).orElse("");
                default -> null;
            };
        }

        private Optional<EmbeddedRedis> embedded() {
            if (!tried) {
                tried = true;
                String explicit = settings.variables().getOrDefault("DEMO_REDIS_SERVER", System.getenv("DEMO_REDIS_SERVER"));
                Optional<Path> binary = EmbeddedRedis.find(explicit);
                if (binary.isEmpty()) {
                    log.warn("redis-server is not " + (explicit == null ? "on the PATH" : "at DEMO_REDIS_SERVER=" + explicit)
                            + ": sessions, counters and rate limits "
                            + "are kept in memory (lost on restart), and the page cache has no shared tier. "
                            + "Install Redis (apt-get install redis-server, brew install redis) to use it.");
                } else {
                    try {
                        redis = EmbeddedRedis.start(binary.get(), settings.dataDir().resolve("redis"));
                        out.println("started " + binary.get() + " at " + redis.url());
                    } catch (IOException e) {
                        log.warn("could not start {} ({}): sessions, counters and rate limits are kept in memory, and the page "
                                + "cache has no shared tier", binary.get(), e.getMessage());
                    }
                }
            }
            return Optional.ofNullable(redis);
        }
    }
}
