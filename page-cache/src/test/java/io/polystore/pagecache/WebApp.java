package io.polystore.pagecache;

import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.EnumSet;

/**
 * A real Jetty 12 server on a loopback port: the page cache filter in front of an {@link Origin},
 * optionally with the Jetty-core {@link PageCacheHandler} in front of both.
 */
public final class WebApp implements AutoCloseable {
    private final Server server;
    private final int port;
    public final Origin origin;
    public final PageCache cache;
    /** the Jetty-core handler in front of the servlet context, or null when the filter alone serves */
    public final PageCacheHandler core;

    private WebApp(Server server, int port, Origin origin, PageCache cache, PageCacheHandler core) {
        this.server = server;
        this.port = port;
        this.origin = origin;
        this.cache = cache;
        this.core = core;
    }

    /**
     * @param cache     the cache in front (null: the origin alone)
     * @param forwarded whether Jetty takes the host from X-Forwarded-Host / Forwarded (a proxy in front)
     */
    public static WebApp start(PageCache cache, boolean forwarded) throws Exception {
        return start(cache, forwarded, new Origin(), 0);
    }

    public static WebApp start(PageCache cache, boolean forwarded, Origin origin, int port) throws Exception {
        return start(cache, forwarded, origin, port, false);
    }

    /** @param core whether a {@link PageCacheHandler} answers memory hits before servlet dispatch */
    public static WebApp start(PageCache cache, boolean forwarded, Origin origin, int port, boolean core) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(400, 8);
        threads.setName("jetty-" + (cache == null ? "origin" : "cached"));
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        if (forwarded) {
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(origin), "/*");
        if (cache != null) {
            context.addFilter(new FilterHolder(new PageCacheFilter(cache)), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        PageCacheHandler handler = core && cache != null ? new PageCacheHandler(cache, context) : null;
        server.setHandler(handler != null ? handler : context);
        server.start();
        return new WebApp(server, connector.getLocalPort(), origin, cache, handler);
    }

    public int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:<port><path>} */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Jetty", e);
        } finally {
            if (cache != null) {
                cache.close();
            }
        }
    }
}
