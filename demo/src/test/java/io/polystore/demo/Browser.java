package io.polystore.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A minimal browser for tests: a cookie jar (name to value; one site), no automatic redirects, and
 * helpers to read a form's CSRF token and post forms.
 */
final class Browser {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final String base;
    final Map<String, String> cookies = new LinkedHashMap<>();
    /** Headers sent with every request to this site. */
    final Map<String, String> headers = new LinkedHashMap<>();
    /** The Set-Cookie lines of the last response. */
    List<String> lastSetCookies = List.of();

    Browser(String base) {
        this.base = base;
    }

    /** A response, with its body as text. */
    record Page(int status, HttpHeaders headers, String body) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String csrf() {
            Matcher m = CSRF.matcher(body);
            if (!m.find()) {
                throw new AssertionError("no CSRF field in the page:\n" + body);
            }
            return m.group(1).replace("&#34;", "\"");
        }
    }

    Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** A GET to another site (an identity provider): sends none of this site's cookies. */
    Page getElsewhere(String url) {
        HttpResponse<String> r = exchange(HttpRequest.newBuilder(URI.create(url)).GET());
        return new Page(r.statusCode(), r.headers(), r.body());
    }

    /** Follows a redirect that points back at this site (an absolute or relative Location). */
    Page follow(String location) {
        return get(location.startsWith(base) ? location.substring(base.length()) : location);
    }

    Page post(String path, String... fields) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            form.put(fields[i], fields[i + 1]);
        }
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Posts a form found at {@code formPage}, with its CSRF token. */
    Page submit(String formPage, String action, String... fields) {
        String csrf = get(formPage).csrf();
        String[] all = new String[fields.length + 2];
        all[0] = "csrf";
        all[1] = csrf;
        System.arraycopy(fields, 0, all, 2, fields.length);
        return post(action, all);
    }

    private Page send(HttpRequest.Builder request) {
        headers.forEach(request::header);
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
        }
        HttpResponse<String> r = exchange(request);
        lastSetCookies = r.headers().allValues("Set-Cookie");
        for (String line : lastSetCookies) {
            String pair = line.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            boolean expired = line.toLowerCase(java.util.Locale.ROOT).contains("max-age=0");
            if (value.isEmpty() || expired) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return new Page(r.statusCode(), r.headers(), r.body());
    }

    private static HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
