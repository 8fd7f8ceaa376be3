package io.polystore.pagecache.proxy;

import io.polystore.pagecache.internal.CaptureResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Forwards each request to the origin and copies the answer back (a blocking reverse proxy, so that
 * the page cache filter in front of it can capture the answer). Hop-by-hop headers are dropped in
 * both directions (RFC 9110 §7.6.1); the origin sees the client's Host and {@code X-Forwarded-For},
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}. An unreachable origin is answered 502,
 * a slow one 504.
 *
 * <p>The client to the origin is Jetty's: a connection pool whose idle connections are closed
 * after {@code origin-idle-timeout} (below the keep-alive timeouts origins use, so that the proxy
 * seldom reuses a connection the origin is closing), no cookie store (a cookie one user got must
 * never reach the origin with another user's request), no content decoding (bodies pass as the
 * origin sent them), and 1xx interim responses ({@code 103 Early Hints}) passed on to the client.
 * An idempotent request whose connection failed before any response arrived (the origin closed an
 * idle keep-alive connection as it was reused) is sent once more on a new connection.
 */
final class ProxyServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(ProxyServlet.class.getName());
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "host", "content-length",
            "expect");
    /** RFC 9110 §9.2.2: requests that may be sent again without changing the outcome */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");
    /** request bodies up to this size are held, so that an idempotent request can be sent again */
    private static final int REPLAYABLE_BODY = 1 << 20;

    private final URI origin;
    private final Duration timeout;
    private final HttpClient client;

    /** What the origin's client thread hands to the request's thread: interim responses, then the head. */
    private record Interim(int status, HttpFields fields) {
    }

    ProxyServlet(URI origin, Duration timeout, Duration idleTimeout) {
        this.origin = origin;
        this.timeout = timeout;
        this.client = new HttpClient();
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("page-proxy-client");
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setConnectTimeout(5000);
        client.setIdleTimeout(idleTimeout.toMillis());
        client.setMaxConnectionsPerDestination(1024);
        client.setUserAgentField(null);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client to the origin", e);
        }
        // after start, which installs the defaults: no decoding, no redirects or authentication, 1xx passed on
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
        client.getProtocolHandlers().put(new ProcessingProtocolHandler());
        client.getProtocolHandlers().put(new EarlyHintsProtocolHandler() {
            @Override
            protected void onEarlyHints(Request request, HttpFields fields) {
                @SuppressWarnings("unchecked")
                LinkedBlockingQueue<Object> events = (LinkedBlockingQueue<Object>) request.getAttributes().get(EVENTS);
                if (events != null && fields != null) {
                    events.add(new Interim(103, fields.asImmutable()));
                }
            }
        });
    }

    private static final String EVENTS = ProxyServlet.class.getName() + ".events";

    @Override
    public void destroy() {
        try {
            client.stop();
        } catch (Exception e) {
            LOG.log(Level.FINE, "page proxy: stopping the origin client", e);
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String target = origin.toString().replaceAll("/+$", "") + req.getRequestURI()
                + (req.getQueryString() != null ? "?" + req.getQueryString() : "");
        String method = req.getMethod();
        boolean hasBody = req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
        byte[] body = null;
        if (hasBody && req.getContentLengthLong() > 0 && req.getContentLengthLong() <= REPLAYABLE_BODY) {
            body = req.getInputStream().readAllBytes();
        }
        boolean replayable = IDEMPOTENT.contains(method) && (!hasBody || body != null);
        InputStreamResponseListener listener = null;
        Response head = null;
        for (int attempt = 1; head == null; attempt++) {
            LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
            Request request = request(req, target, method, hasBody, body);
            request.attribute(EVENTS, events);
            listener = new InputStreamResponseListener() {
                @Override
                public void onHeaders(Response response) {
                    super.onHeaders(response);
                    events.add(response);
                }

                @Override
                public void onFailure(Response response, Throwable failure) {
                    super.onFailure(response, failure);
                    events.add(failure);
                }
            };
            request.send(listener);
            Object event;
            try {
                event = awaitHead(events, res);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                request.abort(e);
                res.sendError(503);
                return;
            }
            if (event instanceof Response r) {
                head = r;
                break;
            }
            Throwable failure = (Throwable) event;
            if (failure == null || failure instanceof TimeoutException) {
                request.abort(new TimeoutException("the origin did not answer in time"));
                error(res, 504, "the origin did not answer within " + timeout.toMillis() + " ms");
                return;
            }
            if (failure instanceof ConnectException || cause(failure, ConnectException.class)) {
                error(res, 502, "the origin cannot be reached");
                return;
            }
            if (!replayable || attempt >= 2) {
                error(res, 502, "the origin failed: " + failure.getClass().getSimpleName());
                return;
            }
            // the connection failed before any response: most likely the origin closed an idle keep-alive
            // connection as it was reused; an idempotent request is sent again on a new one
            LOG.fine(() -> "page proxy: " + method + " " + target + " failed before a response (" + failure + "); retrying");
        }
        res.setStatus(head.getStatus());
        Set<String> named = named(head.getHeaders().getValuesList(HttpHeader.CONNECTION));
        for (HttpField h : head.getHeaders()) {
            String lower = h.getLowerCaseName();
            if (HOP_BY_HOP.contains(lower) || named.contains(lower)) {
                continue;
            }
            res.addHeader(h.getName(), h.getValue());
        }
        if (head.getHeaders().get(HttpHeader.DATE) == null) {
            // RFC 9110 §6.6.1: the origin had no clock; this proxy's Date stands in
            res.setHeader("Date", CaptureResponse.httpDate(System.currentTimeMillis()));
        }
        try (InputStream in = listener.getInputStream()) {
            OutputStream out = res.getOutputStream();
            in.transferTo(out);
        }
    }

    /**
     * Waits for the origin's response head, passing each interim (1xx) response on to the client
     * meanwhile (RFC 9110 §15.2: a proxy forwards them).
     *
     * @return the head, a failure, or null when the timeout passed
     */
    private Object awaitHead(LinkedBlockingQueue<Object> events, HttpServletResponse res) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Object event = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (!(event instanceof Interim interim)) {
                return event;
            }
            try {
                forwardInterim(interim, res);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "page proxy: could not pass on a " + interim.status(), e);
            }
        }
    }

    /**
     * Sends an interim response: Jetty sends one, with the response's header fields at that moment,
     * when {@code sendError} is called with a 1xx status; the fields are removed again after it.
     */
    private static void forwardInterim(Interim interim, HttpServletResponse res) throws IOException {
        List<String> names = new ArrayList<>();
        for (HttpField f : interim.fields()) {
            if (!HOP_BY_HOP.contains(f.getLowerCaseName())) {
                res.addHeader(f.getName(), f.getValue());
                names.add(f.getName());
            }
        }
        try {
            res.sendError(interim.status());
        } finally {
            for (String n : names) {
                res.setHeader(n, null);
            }
        }
    }

    private Request request(HttpServletRequest req, String target, String method, boolean hasBody, byte[] body)
            throws IOException {
        Request b = client.newRequest(URI.create(target)).method(method).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Set<String> connectionNamed = named(req.getHeaders("Connection") == null ? List.of()
                : Collections.list(req.getHeaders("Connection")));
        String host = req.getHeader("Host");
        b.headers(h -> {
            h.remove(HttpHeader.ACCEPT_ENCODING);
            for (String name : Collections.list(req.getHeaderNames())) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (HOP_BY_HOP.contains(lower) || connectionNamed.contains(lower) || lower.startsWith("x-forwarded-")) {
                    continue;
                }
                for (String value : Collections.list(req.getHeaders(name))) {
                    h.add(name, value);
                }
            }
            if (host != null) {
                h.put(HttpHeader.HOST, host);
                h.put("X-Forwarded-Host", host);
            }
            h.put("X-Forwarded-For", req.getRemoteAddr());
            h.put("X-Forwarded-Proto", req.getScheme());
        });
        if (hasBody) {
            b.body(body != null ? new BytesRequestContent(body) : new InputStreamRequestContent(req.getInputStream()));
        }
        return b;
    }

    private static void error(HttpServletResponse res, int status, String message) throws IOException {
        res.setHeader("Date", CaptureResponse.httpDate(System.currentTimeMillis()));
        res.sendError(status, message);
    }

    private static boolean cause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> named(List<String> connection) {
        Set<String> out = new TreeSet<>();
        for (String v : connection) {
            for (String n : v.split(",")) {
                out.add(n.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
