package io.polystore.document.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.StoreException;
import io.polystore.StoreTimeoutException;
import io.polystore.StoreUnavailableException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * CouchDB's HTTP API through the JDK's {@link HttpClient} (HTTP/1.1 keep-alive connections), at most
 * {@code pool-size} requests in flight, each with a timeout. Bodies are JSON; failures to reach the
 * server become {@link StoreUnavailableException} or {@link StoreTimeoutException} naming the store,
 * never exposing the credentials. Thread-safe.
 */
final class CouchDbHttp {
    /** A response: its status and its JSON text (empty when it had no body). */
    record Response(int status, String text) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** @return the body as a tree (for status answers and errors), or null when empty */
        JsonNode body() {
            if (text.isEmpty()) {
                return null;
            }
            try {
                return JSON.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new StoreException("the server answered with JSON that cannot be read: " + e.getOriginalMessage(), e);
            }
        }

        /** @return the body in the document form (maps, lists, exact numbers: {@link io.polystore.spi.JsonDocuments#parse}) */
        Object value() {
            return text.isEmpty() ? null : io.polystore.spi.JsonDocuments.parse(text);
        }

        String error() {
            JsonNode b = text.isEmpty() || !text.startsWith("{") ? null : body();
            return b == null ? "" : b.path("error").asText("") + (b.has("reason") ? ": " + b.path("reason").asText() : "");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String storeName;
    private final String base;
    private final String authorization;
    private final HttpClient client;
    private final Duration timeout;
    private final Semaphore permits;

    CouchDbHttp(String storeName, String base, String user, String password, Duration timeout, Duration connectTimeout,
                int poolSize) {
        this.storeName = storeName;
        this.base = base;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.permits = new Semaphore(poolSize);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** @return a document id or database name as one path segment ({@code /} and every reserved character escaped) */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * @param method HTTP method
     * @param path   path and query after the server's base URL, already escaped
     * @param body   JSON text, or null
     * @param what   the operation, for messages
     * @return the response, whatever its status
     */
    Response send(String method, String path, String body, String what) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        boolean acquired = false;
        try {
            acquired = permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!acquired) {
                throw new StoreTimeoutException(prefix(what) + "no connection became free within " + timeout.toMillis() + " ms");
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Response response = new Response(r.statusCode(), r.body() == null ? "" : r.body());
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                throw new StoreUnavailableException(prefix(what) + "the server refused the credentials (HTTP " + r.statusCode()
                        + "); check the options user and password");
            }
            if (r.statusCode() >= 500) {
                throw new StoreUnavailableException(prefix(what) + "HTTP " + r.statusCode() + " " + response.error());
            }
            return response;
        } catch (HttpConnectTimeoutException e) {
            throw new StoreTimeoutException(prefix(what) + "connecting timed out", e);
        } catch (HttpTimeoutException e) {
            throw new StoreTimeoutException(prefix(what) + "no answer within " + timeout.toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new StoreUnavailableException(prefix(what) + "cannot connect: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StoreUnavailableException(prefix(what) + "the connection failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(prefix(what) + "interrupted", e);
        } finally {
            if (acquired) {
                permits.release();
            }
        }
    }

    /**
     * @return an exception for an answer the operation did not expect
     */
    StoreException unexpected(String what, Response r) {
        return new StoreException(prefix(what) + "unexpected answer HTTP " + r.status() + " " + r.error());
    }

    private String prefix(String what) {
        return "store '" + storeName + "' (CouchDB): " + what + ": ";
    }
}
