package io.polystore.pagecache;

import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings as strings (web.xml init-parameters, a properties file) and what a wrong one says. */
class ConfigurationTest {

    @Test
    void aWrongSettingNamesTheSourceKeyAndValue() {
        assertThatThrownBy(() -> PageCache.builder().apply(Map.of("max-body", "lots"), "pages.properties"))
                .hasMessageContaining("pages.properties").hasMessageContaining("'max-body'")
                .hasMessageContaining("'lots'").hasMessageContaining("64MiB");
        assertThatThrownBy(() -> PageCache.builder().apply(Map.of("stale-if-eror", "1m"), "web.xml"))
                .hasMessageContaining("'stale-if-eror'").hasMessageContaining("unknown setting")
                .hasMessageContaining("stale-if-error");
        assertThatThrownBy(() -> PageCache.builder().apply(Map.of("routes", "/a/** => 5m"), "web.xml"))
                .hasMessageContaining("pattern -> never");
        assertThatThrownBy(() -> PageCache.builder().apply(Map.of("purge-allow", "everyone"), "web.xml"))
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> PageCache.builder().apply(Map.of("status-headers", "maybe"), "web.xml"))
                .hasMessageContaining("true or false");
    }

    @Test
    void secretsInAWrongSettingAreNotEchoed() {
        assertThatThrownBy(() -> PageCache.builder().apply(Map.of("redis-timeout", "x"), "f"))
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> PageCache.builder().redis("redis://user:hunter2@127.0.0.1:port").build())
                .hasMessageContaining("not a Redis URI").hasMessageContaining("redis://***@127.0.0.1:port")
                .satisfies(e -> assertThat(trace(e)).doesNotContain("hunter2"));
        assertThatThrownBy(() -> PageCache.builder().redis("http://cache:6379").build())
                .hasMessageContaining("expected redis://host:port");
    }

    private static String trace(Throwable e) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        return trace.toString();
    }

    @Test
    void anUnreachableRedisDoesNotStopTheApplicationAndItsPasswordIsNotLogged() throws Exception {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(PageCache.class.getName());
        java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (PageCache cache = PageCache.builder().redis("redis://user:hunter2@127.0.0.1:1")
                .redisConnectTimeout(Duration.ofMillis(200)).build()) {
            assertThat(cache.sharedTierConnected()).isFalse();
            assertThat(logged).anyMatch(m -> m.contains("unreachable") && m.contains("redis://***@127.0.0.1:1"));
            assertThat(logged).noneMatch(m -> m.contains("hunter2"));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void aPurgeEndpointWithoutATokenIsRefused() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("purge-path", "/_purge");
        assertThatThrownBy(() -> PageCache.builder().apply(m, "web.xml").build())
                .hasMessageContaining("purge-token");
    }

    @Test
    void routeRulesParse() {
        assertThat(RouteRule.parse("/a/** -> never").action()).isEqualTo(RouteRule.Action.NEVER);
        assertThat(RouteRule.parse("/a/* -> 5m").ttl()).isEqualTo(Duration.ofMinutes(5));
        RouteRule max = RouteRule.parse("/b -> max 250ms");
        assertThat(max.action()).isEqualTo(RouteRule.Action.MAX_TTL);
        assertThat(max.ttl()).isEqualTo(Duration.ofMillis(250));
        assertThat(RouteRule.parse("/a/* -> 1h").matches("/a/x")).isTrue();
        assertThat(RouteRule.parse("/a/* -> 1h").matches("/a/x/y")).isFalse();
        assertThat(RouteRule.parse("/a/** -> 1h").matches("/a/x/y")).isTrue();
        assertThat(RouteRule.parse("/a.b -> 1h").matches("/aXb")).isFalse();
        assertThatThrownBy(() -> RouteRule.parse("a -> 1h")).hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> RouteRule.parse("/a -> soon")).hasMessageContaining("not a duration");
    }

    @Test
    void theFilterBuildsItsCacheFromInitParametersAndAConfigFile() throws Exception {
        Path file = Files.createTempFile("pages", ".properties");
        Files.writeString(file, "page-cache.routes=/private/** -> never; /ttl/** -> 30s\nstatus-headers=true\n");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        Origin origin = new Origin();
        origin.on("/ttl/x", Origin.headers(null));
        context.addServlet(new ServletHolder(origin), "/*");
        FilterHolder holder = new FilterHolder(PageCacheFilter.class);
        holder.setName("pages");
        holder.setInitParameter("config-file", file.toString());
        holder.setInitParameter("max-body", "512KiB");
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        try {
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            Http.get(base + "/ttl/x");
            HttpResponse<byte[]> hit = Http.get(base + "/ttl/x");
            assertThat(Http.xcache(hit)).isEqualTo("HIT-L1");
            assertThat(Http.xcache(Http.get(base + "/private/y"))).isEqualTo("BYPASS");
        } finally {
            server.stop();
        }
    }

    @Test
    void aBadInitParameterFailsTheFilterWithTheFilterNamed() throws Exception {
        Server server = new Server();
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new Origin()), "/*");
        FilterHolder holder = new FilterHolder(PageCacheFilter.class);
        holder.setName("pages");
        holder.setInitParameter("local-max-bytes", "-5");
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        try {
            assertThatThrownBy(server::start).hasStackTraceContaining("filter 'pages' init-parameters")
                    .hasStackTraceContaining("local-max-bytes");
        } finally {
            server.stop();
        }
    }

    @Test
    void thePolystoreConfigFileCarriesThePageCacheSection() {
        String yaml = "stores:\n  main: \"mem:\"\npage-cache:\n  routes:\n    - /a/** -> never\n  max-body: lots\n";
        try (io.polystore.Polystore p = io.polystore.Polystore.fromYaml(yaml, "app-polystore.yaml", k -> null)) {
            assertThatThrownBy(() -> PageCache.builder().apply(p.settings("page-cache"), p.source()))
                    .hasMessageStartingWith("app-polystore.yaml: page cache setting 'max-body' = 'lots'");
            Map<String, String> ok = new LinkedHashMap<>(p.settings("page-cache"));
            ok.remove("max-body");
            try (PageCache cache = PageCache.builder().apply(ok, p.source()).build()) {
                assertThat(cache.stats().localUrls()).isZero();
            }
        }
    }
}
