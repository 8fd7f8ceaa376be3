package io.polystore.pagecache;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP/1.1 client for the tests (the JDK's), with the headers a test names. */
public final class Http {
    public static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    private Http() {
    }

    /** @param headers alternating names and values */
    public static HttpResponse<byte[]> send(String method, String url, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<byte[]> get(String url, String... headers) {
        return send("GET", url, headers);
    }

    public static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static String xcache(HttpResponse<byte[]> r) {
        return r.headers().firstValue("X-Cache").orElse("(none)");
    }

    /**
     * The response's fields, but the connection's own and Age (a second may pass between the two);
     * Content-Type in lower case: the servlet container rewrites the charset token's case
     * ({@code charset=utf-8}) on a field set through the servlet API; memory hits answered with Jetty's
     * prepared fields (the core handler, the filter on Jetty) send the stored field as the origin wrote it.
     */
    static java.util.Map<String, java.util.List<String>> fields(HttpResponse<byte[]> r) {
        java.util.Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
        r.headers().map().forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        out.keySet().removeIf(k -> k.equalsIgnoreCase("age") || k.equalsIgnoreCase("connection")
                || k.equalsIgnoreCase("keep-alive"));
        out.computeIfPresent("content-type", (k, v) -> v.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList());
        // the remaining lifetime counts down per second, like Age: two answers a second boundary apart
        // differ by one (CI: ttl=59 against ttl=60); the field must still carry a ttl
        out.computeIfPresent("cache-status", (k, v) -> v.stream().map(t -> {
            org.assertj.core.api.Assertions.assertThat(t).containsPattern("ttl=-?\\d+");
            return t.replaceAll("ttl=-?\\d+", "ttl=(counting down)");
        }).toList());
        return out;
    }
}
