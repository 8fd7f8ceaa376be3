package io.polystore.pagecache.proxy;

import io.polystore.pagecache.PageCache;
import io.polystore.pagecache.PageCacheFilter;
import io.polystore.pagecache.PageCacheHandler;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The page cache as a standalone caching reverse proxy: Jetty, the page cache filter, and a proxy
 * to any HTTP origin (a Python WSGI app under gunicorn, a Node server, ...), configured by a
 * properties file:
 *
 * <pre>
 * listen=127.0.0.1:8080
 * origin=http://127.0.0.1:8000
 * origin-timeout=30s
 * origin-idle-timeout=1500ms
 * threads=200
 * # every page cache setting of docs/PAGE-CACHE.md, plain or prefixed page-cache.
 * redis=redis://127.0.0.1:6379
 * routes=/admin/** -> never
 * </pre>
 *
 * Run: {@code java -jar page-cache-proxy/target/polystore-page-proxy.jar proxy.properties}.
 */
public final class PageProxy implements AutoCloseable {
    private final Server server;
    private final PageCache cache;
    private final PageCacheHandler front;
    private final int port;

    private PageProxy(Server server, PageCache cache, PageCacheHandler front, int port) {
        this.server = server;
        this.cache = cache;
        this.front = front;
        this.port = port;
    }

    /**
     * Starts a proxy from settings.
     *
     * @param settings the proxy's keys ({@code listen}, {@code origin}, {@code origin-timeout},
     *                 {@code origin-idle-timeout}, {@code threads}) and the page cache's
     * @param source   where they come from, for messages
     * @throws IllegalArgumentException naming the source, key and value when one is wrong
     * @return the running proxy; {@link #close()} stops it
     * @throws Exception when Jetty cannot start (the port is taken, say)
     */
    public static PageProxy start(Map<String, String> settings, String source) throws Exception {
        Map<String, String> cacheSettings = new LinkedHashMap<>();
        String listen = "127.0.0.1:8080";
        URI origin = null;
        Duration timeout = Duration.ofSeconds(30);
        // below the keep-alive timeouts origins commonly use (gunicorn 2 s, Node and Apache 5 s, nginx 75 s)
        Duration idleTimeout = Duration.ofMillis(1500);
        int threads = 200;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey().startsWith("page-cache.") ? e.getKey().substring(11) : e.getKey();
            String value = e.getValue().trim();
            switch (key) {
                case "listen" -> listen = value;
                case "origin" -> {
                    try {
                        origin = URI.create(value);
                    } catch (IllegalArgumentException ex) {
                        throw bad(source, key, value, "not a URL");
                    }
                    if (!"http".equals(origin.getScheme()) && !"https".equals(origin.getScheme()) || origin.getHost() == null) {
                        throw bad(source, key, value, "expected http://host:port or https://host:port");
                    }
                }
                case "origin-timeout" -> {
                    try {
                        timeout = Duration.ofMillis(Math.max(1, parseMillis(value)));
                    } catch (IllegalArgumentException ex) {
                        throw bad(source, key, value, ex.getMessage());
                    }
                }
                case "origin-idle-timeout" -> {
                    try {
                        idleTimeout = Duration.ofMillis(Math.max(1, parseMillis(value)));
                    } catch (IllegalArgumentException ex) {
                        throw bad(source, key, value, ex.getMessage());
                    }
                }
                case "threads" -> {
                    try {
                        threads = Integer.parseInt(value);
                    } catch (NumberFormatException ex) {
                        threads = -1;
                    }
                    if (threads < 8) {
                        throw bad(source, key, value, "expected a whole number of at least 8");
                    }
                }
                default -> cacheSettings.put(key, value);
            }
        }
        if (origin == null) {
            throw new IllegalArgumentException(source + ": 'origin' is missing; name the server to cache, "
                    + "e.g. origin=http://127.0.0.1:8000");
        }
        int colon = listen.lastIndexOf(':');
        String host;
        int port;
        try {
            host = colon < 0 ? "127.0.0.1" : listen.substring(0, colon);
            port = Integer.parseInt(colon < 0 ? listen : listen.substring(colon + 1));
        } catch (NumberFormatException ex) {
            throw bad(source, "listen", listen, "expected host:port, e.g. 127.0.0.1:8080");
        }
        PageCache cache = PageCache.builder().apply(cacheSettings, source).build();
        QueuedThreadPool pool = new QueuedThreadPool(threads, 8);
        pool.setName("page-proxy");
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // one Date per response: the origin's, passed on, or the stored page's (RFC 9110 §6.6.1)
        http.setSendDateHeader(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ProxyServlet(origin, timeout, idleTimeout)), "/*");
        context.addFilter(new FilterHolder(new PageCacheFilter(cache)), "/*", EnumSet.of(DispatcherType.REQUEST));
        // memory hits are answered before servlet dispatch; everything else goes through the filter
        PageCacheHandler front = new PageCacheHandler(cache, context);
        server.setHandler(front);
        try {
            server.start();
        } catch (Exception e) {
            cache.close();
            throw e;
        }
        return new PageProxy(server, cache, front, connector.getLocalPort());
    }

    private static long parseMillis(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Long.parseLong(v.substring(0, v.length() - 2));
            }
            if (v.endsWith("s")) {
                return Long.parseLong(v.substring(0, v.length() - 1)) * 1000;
            }
            if (v.endsWith("m")) {
                return Long.parseLong(v.substring(0, v.length() - 1)) * 60_000;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("expected a duration such as 500ms, 30s or 2m");
    }

    private static IllegalArgumentException bad(String source, String key, String value, String problem) {
        return new IllegalArgumentException(source + ": '" + key + "' = '" + value + "': " + problem);
    }

    /** @return the port it listens on */
    public int port() {
        return port;
    }

    /** @return the page cache (for purges) */
    public PageCache cache() {
        return cache;
    }

    /** @return how many requests were answered from memory before servlet dispatch (the Jetty-core mode) */
    public long answeredBeforeDispatch() {
        return front.answered();
    }

    /**
     * Reads a properties file of proxy and page cache settings.
     *
     * @param file a properties file
     * @return the settings, by key
     * @throws IOException when the file cannot be read
     */
    public static Map<String, String> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            out.put(name, p.getProperty(name));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Jetty", e);
        } finally {
            cache.close();
        }
    }

    /**
     * Runs the proxy until the process is stopped.
     *
     * @param args the properties file of settings
     * @throws Exception when the settings cannot be read or Jetty cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -jar polystore-page-proxy.jar proxy.properties");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Map<String, String> settings;
        try {
            settings = read(file);
        } catch (IOException e) {
            System.err.println("polystore-page-proxy: cannot read " + file + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        PageProxy proxy;
        try {
            proxy = start(settings, file.toString());
        } catch (IllegalArgumentException e) {
            System.err.println("polystore-page-proxy: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.close();
            } catch (Exception e) {
                System.err.println("polystore-page-proxy: stopping: " + e);
            }
        }, "page-proxy-stop"));
        System.out.println("polystore-page-proxy: listening on port " + proxy.port() + ", caching " + settings.get("origin"));
        proxy.server.join();
    }
}
