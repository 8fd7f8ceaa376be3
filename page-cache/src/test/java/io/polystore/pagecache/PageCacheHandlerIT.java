package io.polystore.pagecache;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.polystore.pagecache.Http.body;
import static io.polystore.pagecache.Http.get;
import static io.polystore.pagecache.Http.xcache;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test of {@link PageCacheIT} again, with the Jetty-core {@link PageCacheHandler} in front of
 * each node's filter: the answers must not change. Then what the handler answers itself, and that
 * it answers field for field as the filter does.
 */
class PageCacheHandlerIT extends PageCacheIT {

    /** Hides {@link PageCacheIT#start()}: the same two nodes, in core mode. */
    @BeforeAll
    static void start() throws Exception {
        startNodes(true);
    }

    @AfterAll
    static void theHandlerAnsweredHitsItself() {
        // the inherited tests make many memory hits: the handler must have answered some before dispatch
        assertThat(app.core.answered()).isPositive();
    }

    @Test
    void aMemoryHitIsAnsweredBeforeDispatchWithTheFiltersFields() {
        String p = path("/core");
        HttpResponse<byte[]> miss = get(app.url(p));
        long before = app.core.answered();
        HttpResponse<byte[]> core = get(app.url(p), "Accept-Encoding", "identity");
        assertThat(app.core.answered()).isEqualTo(before + 1);
        // a field the handler leaves to the filter: the same page, from memory, through the servlet path
        HttpResponse<byte[]> filter = get(app.url(p), "Accept-Encoding", "identity", "If-None-Match", "\"other\"");
        assertThat(app.core.answered()).isEqualTo(before + 1);
        assertThat(xcache(miss)).isEqualTo("MISS");
        assertThat(xcache(core)).isEqualTo("HIT-L1");
        assertThat(xcache(filter)).isEqualTo("HIT-L1");
        assertThat(core.statusCode()).isEqualTo(filter.statusCode()).isEqualTo(200);
        assertThat(body(core)).isEqualTo(body(filter)).isEqualTo(body(miss));
        assertThat(fields(core)).isEqualTo(fields(filter));
        assertThat(app.origin.calls(p)).isEqualTo(1);
    }

    @Test
    void gzipAndHeadAreAnsweredAsByTheFilter() {
        String p = path("/core-big");
        app.origin.on(p, (req, res, call) -> {
            res.setHeader("Cache-Control", "max-age=60");
            Origin.html(res, "compressible text ".repeat(200));
        });
        get(app.url(p));
        long before = app.core.answered();
        HttpResponse<byte[]> gz = get(app.url(p), "Accept-Encoding", "gzip");
        HttpResponse<byte[]> gzFilter = get(app.url(p), "Accept-Encoding", "gzip", "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(app.core.answered()).isEqualTo(before + 1);
        assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(gz.body()).isEqualTo(gzFilter.body());
        assertThat(fields(gz)).isEqualTo(fields(gzFilter));

        HttpResponse<byte[]> head = Http.send("HEAD", app.url(p));
        assertThat(app.core.answered()).isEqualTo(before + 2);
        assertThat(xcache(head)).isEqualTo("HIT-L1");
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).isPresent();
    }

    @Test
    void whatTheFilterMustDecideGoesOnToIt() {
        String p = path("/core-handover");
        get(app.url(p));
        long before = app.core.answered();
        // a session cookie bypasses, Cache-Control: no-store bypasses, a route marked never is not cached
        assertThat(xcache(get(app.url(p), "Cookie", "JSESSIONID=abc"))).isEqualTo("BYPASS");
        assertThat(xcache(get(app.url(p), "Cache-Control", "no-store"))).isEqualTo("BYPASS");
        assertThat(xcache(get(app.url(path("/never/x"))))).isEqualTo("BYPASS");
        assertThat(xcache(get(app.url(p), "Authorization", "Bearer x"))).isNotEqualTo("HIT-L1");
        assertThat(get(app.url(p), "Range", "bytes=0-3").statusCode()).isEqualTo(206);
        assertThat(get(app.url(p), "Host", "evil.example").headers().firstValue("X-Cache")).contains("BYPASS");
        assertThat(app.core.answered()).isEqualTo(before);
    }

    /**
     * The response's fields, but the connection's own and Age (a second may pass between the two);
     * Content-Type in lower case: the servlet container rewrites the charset token's case
     * ({@code charset=utf-8}), the handler sends the stored field as the origin wrote it.
     */
    private static Map<String, List<String>> fields(HttpResponse<byte[]> r) {
        Map<String, List<String>> out = new TreeMap<>();
        r.headers().map().forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        out.keySet().removeIf(k -> k.equalsIgnoreCase("age") || k.equalsIgnoreCase("connection")
                || k.equalsIgnoreCase("keep-alive"));
        out.computeIfPresent("content-type", (k, v) -> v.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList());
        // the remaining lifetime counts down per second, like Age: two answers a second boundary apart
        // differ by one (CI: ttl=59 against ttl=60); the field must still carry a ttl
        out.computeIfPresent("cache-status", (k, v) -> v.stream().map(t -> {
            assertThat(t).containsPattern("ttl=-?\\d+");
            return t.replaceAll("ttl=-?\\d+", "ttl=(counting down)");
        }).toList());
        return out;
    }
}
