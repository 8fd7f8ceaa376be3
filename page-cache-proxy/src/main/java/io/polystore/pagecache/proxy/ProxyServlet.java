package io.polystore.pagecache.proxy;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Forwards each request to the origin and copies the answer back (a blocking reverse proxy, so that
 * the page cache filter in front of it can capture the answer). Hop-by-hop headers are dropped in
 * both directions (RFC 9110 §7.6.1); the origin sees the client's Host and {@code X-Forwarded-For},
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}. An unreachable origin is answered 502,
 * a slow one 504.
 */
final class ProxyServlet extends HttpServlet {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "host", "content-length",
            "expect");

    private final URI origin;
    private final Duration timeout;
    private final HttpClient client;
    private volatile boolean sendHost = true;

    ProxyServlet(URI origin, Duration timeout) {
        this.origin = origin;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String target = origin.toString().replaceAll("/+$", "") + req.getRequestURI()
                + (req.getQueryString() != null ? "?" + req.getQueryString() : "");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target)).timeout(timeout);
        Set<String> connectionNamed = named(req.getHeaders("Connection") == null ? List.of()
                : Collections.list(req.getHeaders("Connection")));
        for (String name : Collections.list(req.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || connectionNamed.contains(lower) || lower.startsWith("x-forwarded-")) {
                continue;
            }
            for (String value : Collections.list(req.getHeaders(name))) {
                b.header(name, value);
            }
        }
        String host = req.getHeader("Host");
        if (host != null) {
            if (sendHost) {
                try {
                    b.header("Host", host);
                } catch (IllegalArgumentException e) {
                    // the JDK client was initialised without jdk.httpclient.allowRestrictedHeaders=host
                    sendHost = false;
                    java.util.logging.Logger.getLogger(ProxyServlet.class.getName()).warning("page proxy: cannot pass "
                            + "the client's Host to the origin (start the JVM with "
                            + "-Djdk.httpclient.allowRestrictedHeaders=host); the origin gets X-Forwarded-Host only");
                }
            }
            b.header("X-Forwarded-Host", host);
        }
        b.header("X-Forwarded-For", req.getRemoteAddr());
        b.header("X-Forwarded-Proto", req.getScheme());
        boolean hasBody = req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
        InputStream in = req.getInputStream();
        b.method(req.getMethod(), hasBody ? HttpRequest.BodyPublishers.ofInputStream(() -> in)
                : HttpRequest.BodyPublishers.noBody());
        HttpResponse<InputStream> answer;
        try {
            answer = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            res.sendError(504, "the origin did not answer within " + timeout.toMillis() + " ms");
            return;
        } catch (ConnectException e) {
            res.sendError(502, "the origin cannot be reached");
            return;
        } catch (IOException e) {
            res.sendError(502, "the origin failed: " + e.getClass().getSimpleName());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            res.sendError(503);
            return;
        }
        res.setStatus(answer.statusCode());
        Map<String, List<String>> headers = answer.headers().map();
        Set<String> named = named(headers.getOrDefault("connection", List.of()));
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || named.contains(lower) || lower.equals(":status")) {
                continue;
            }
            for (String v : h.getValue()) {
                res.addHeader(h.getKey(), v);
            }
        }
        try (InputStream body = answer.body()) {
            OutputStream out = res.getOutputStream();
            body.transferTo(out);
        }
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
