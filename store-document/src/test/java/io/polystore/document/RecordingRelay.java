package io.polystore.document;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An HTTP relay in front of a real CouchDB-API server that records every exchange (what the store
 * sent and what the server answered), and can refuse chosen requests with a 401 on the server's
 * behalf. Tests use it to see the requests a back end makes, not to stand in for the server.
 */
final class RecordingRelay implements AutoCloseable {
    /** One exchange as the relay saw it. */
    record Seen(String method, String path, String cookie, String authorization, String body, int status, String answer) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String server;
    private final HttpServer relay;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Predicate<Seen> refuse;

    /**
     * @param server the server's base URL ({@code http://host:port})
     * @param refuse which requests to answer with a 401 instead of forwarding (their status and answer are not set yet)
     */
    RecordingRelay(String server, Predicate<Seen> refuse) throws IOException {
        this.server = server;
        this.refuse = refuse;
        this.relay = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        relay.createContext("/", this::forward);
        relay.start();
    }

    /** @return the relay's port */
    int port() {
        return relay.getAddress().getPort();
    }

    /** @return every exchange so far, in order */
    List<Seen> seen() {
        return List.copyOf(seen);
    }

    void clear() {
        seen.clear();
    }

    private void forward(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        String cookie = ex.getRequestHeaders().getFirst("Cookie");
        Seen request = new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), cookie,
                ex.getRequestHeaders().getFirst("Authorization"), new String(body, StandardCharsets.UTF_8), 0, null);
        if (refuse.test(request)) {
            String refusal = "{\"error\":\"unauthorized\",\"reason\":\"session expired\"}";
            seen.add(new Seen(request.method(), request.path(), cookie, request.authorization(), request.body(), 401, refusal));
            answer(ex, 401, refusal.getBytes(StandardCharsets.UTF_8));
            return;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + ex.getRequestURI().toString()))
                .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String h : List.of("Content-Type", "Accept", "Cookie", "Authorization")) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        HttpResponse<byte[]> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        seen.add(new Seen(request.method(), request.path(), cookie, request.authorization(), request.body(), r.statusCode(),
                new String(r.body(), StandardCharsets.UTF_8)));
        for (String h : List.of("Content-Type", "Set-Cookie")) {
            r.headers().allValues(h).forEach(v -> ex.getResponseHeaders().add(h, v));
        }
        answer(ex, r.statusCode(), r.body());
    }

    private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        relay.stop(0);
    }
}
