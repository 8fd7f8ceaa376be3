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

    /** How requests prove who they are. */
    enum Auth {
        /** {@code Authorization: Basic} on every request (or nothing, without a user) */
        BASIC,
        /** one {@code POST /_session} for an {@code AuthSession} cookie, sent with every request; logged in again when refused */
        COOKIE
    }

    private final String storeName;
    private final String base;
    private final Auth auth;
    private final String user;
    private final String password;
    private final String authorization;
    private final HttpClient client;
    private final Duration timeout;
    private final Semaphore permits;
    /** the session cookie ({@code AuthSession=...}) with {@link Auth#COOKIE}, or null before the first login */
    private volatile String cookie;

    CouchDbHttp(String storeName, String base, Auth auth, String user, String password, Duration timeout, Duration connectTimeout,
                int poolSize) {
        this.storeName = storeName;
        this.base = base;
        this.auth = auth;
        this.user = user;
        this.password = password;
        this.authorization = user == null || auth != Auth.BASIC ? null : "Basic " + Base64.getEncoder().encodeToString(
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
        if (auth == Auth.COOKIE) {
            String used = cookie != null ? cookie : login(null, what);
            HttpResponse<String> r = exchange(method, path, body, used, what);
            if (r.statusCode() == 401) {
                // the session expired (or the server restarted with a new secret): log in again, once
                r = exchange(method, path, body, login(used, what), what);
            }
            return answer(r, what);
        }
        return answer(exchange(method, path, body, null, what), what);
    }

    /**
     * Logs in with {@code POST /_session} unless another thread already replaced the cookie that
     * failed. The password travels in the request body only, never in a message.
     *
     * @param failed the cookie the server refused, or null for the first login
     * @return the cookie to use
     */
    private synchronized String login(String failed, String what) {
        String current = cookie;
        if (current != null && !current.equals(failed)) {
            return current;
        }
        String credentials;
        try {
            credentials = JSON.writeValueAsString(java.util.Map.of("name", user, "password", password == null ? "" : password));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException(prefix(what) + "cannot write the login request", e);
        }
        HttpResponse<String> r = exchange("POST", "/_session", credentials, null, what + " (logging in)");
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new StoreUnavailableException(prefix(what) + "the server refused the login of user '" + user + "' (HTTP "
                    + r.statusCode() + "); check the options user and password");
        }
        String set = sessionCookie(r);
        if (r.statusCode() / 100 != 2 || set == null) {
            throw new StoreUnavailableException(prefix(what) + "logging in with POST /_session gave HTTP " + r.statusCode()
                    + " and no AuthSession cookie; does the server allow cookie authentication? (auth: basic does not need it)");
        }
        cookie = set;
        return set;
    }

    /** @return {@code AuthSession=...} from the response's {@code Set-Cookie}, or null */
    private static String sessionCookie(HttpResponse<String> r) {
        for (String header : r.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0].trim();
            if (pair.startsWith("AuthSession=") && pair.length() > "AuthSession=".length()) {
                return pair;
            }
        }
        return null;
    }

    /** Sends one request (at most {@code pool-size} at a time) and returns its answer, whatever the status. */
    private HttpResponse<String> exchange(String method, String path, String body, String withCookie, String what) {
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
        if (withCookie != null) {
            b.header("Cookie", withCookie);
        }
        boolean acquired = false;
        try {
            acquired = permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!acquired) {
                throw new StoreTimeoutException(prefix(what) + "no connection became free within " + timeout.toMillis() + " ms");
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (withCookie != null && r.statusCode() != 401) {
                String renewed = sessionCookie(r);   // CouchDB renews a session near its end in any answer
                if (renewed != null) {
                    cookie = renewed;
                }
            }
            return r;
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

    /** Turns refusals and server errors into exceptions; any other status is the caller's to read. */
    private Response answer(HttpResponse<String> r, String what) {
        Response response = new Response(r.statusCode(), r.body() == null ? "" : r.body());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new StoreUnavailableException(prefix(what) + "the server refused the credentials (HTTP " + r.statusCode()
                    + "); check the options user and password" + (auth == Auth.COOKIE ? " (auth: cookie)" : ""));
        }
        if (r.statusCode() >= 500) {
            throw new StoreUnavailableException(prefix(what) + "HTTP " + r.statusCode() + " " + response.error());
        }
        return response;
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
