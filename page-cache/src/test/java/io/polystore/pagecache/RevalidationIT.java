package io.polystore.pagecache;

import io.polystore.pagecache.internal.CaptureResponse;
import io.polystore.testkit.TestServers;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.polystore.pagecache.Http.body;
import static io.polystore.pagecache.Http.get;
import static io.polystore.pagecache.Http.xcache;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 9111 validation against a real Jetty and Redis: stale pages are revalidated with conditional
 * requests, a 304 freshens the stored page and updates its headers, {@code no-cache} pages are
 * stored and revalidated on every use; and the rest of the response rules this cache owns: ranges
 * answered from stored pages, the origin's {@code Date}, the age of RFC 9111 §4.2.3, and
 * {@code CDN-Cache-Control} in place of {@code Cache-Control}.
 */
class RevalidationIT {
    static WebApp app;
    static WebApp peer;

    @BeforeAll
    static void start() throws Exception {
        String redis = TestServers.redisUrl();
        String namespace = "test:revalidation:" + UUID.randomUUID();
        app = WebApp.start(PageCache.builder().redis(redis).namespace(namespace).build(), false);
        peer = WebApp.start(PageCache.builder().redis(redis).namespace(namespace).build(), false);
        PageCacheIT.waitUntil(() -> app.cache.sharedTierConnected() && peer.cache.sharedTierConnected());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    static String path(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * An origin page with entity tag {@code "v<version>"}: a conditional request naming the current
     * tag gets a 304 carrying {@code X-Served} (the call number) and the given Cache-Control;
     * every other request gets the whole page. Records each request's If-None-Match.
     */
    static final class Versioned implements Origin.Behaviour {
        final String cacheControl;
        final AtomicInteger version = new AtomicInteger(1);
        final AtomicInteger full = new AtomicInteger();
        final AtomicInteger notModified = new AtomicInteger();
        final List<String> ifNoneMatch = new CopyOnWriteArrayList<>();

        Versioned(String cacheControl) {
            this.cacheControl = cacheControl;
        }

        @Override
        public void answer(HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res, int call)
                throws java.io.IOException {
            String etag = "\"v" + version.get() + "\"";
            String inm = req.getHeader("If-None-Match");
            ifNoneMatch.add(String.valueOf(inm));
            res.setHeader("Cache-Control", cacheControl);
            res.setHeader("ETag", etag);
            res.setHeader("X-Served", Integer.toString(call));
            if (etag.equals(inm)) {
                notModified.incrementAndGet();
                res.setStatus(304);
                return;
            }
            full.incrementAndGet();
            res.setHeader("X-Body-Of", Integer.toString(call));
            Origin.html(res, "version " + version.get() + " rendered by call " + call + " " + "x".repeat(400));
        }
    }

    @Test
    void aStalePageIsRevalidatedAndThe304UpdatesItsHeadersButNotItsBody() throws Exception {
        String p = path("/reval");
        Versioned origin = new Versioned("max-age=0");
        app.origin.on(p, origin);
        HttpResponse<byte[]> first = get(app.url(p));
        assertThat(xcache(first)).isEqualTo("MISS");
        assertThat(first.headers().firstValue("Cache-Status").orElseThrow()).contains("stored");

        HttpResponse<byte[]> second = get(app.url(p));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(xcache(second)).isEqualTo("REVALIDATED");
        assertThat(second.headers().firstValue("Cache-Status").orElseThrow()).contains("fwd=stale; fwd-status=304");
        // the body is the stored one, the headers are those of the 304
        assertThat(body(second)).isEqualTo(body(first));
        assertThat(second.headers().firstValue("X-Body-Of")).contains("1");
        assertThat(second.headers().firstValue("X-Served")).contains("2");
        assertThat(second.headers().firstValueAsLong("Content-Length").orElseThrow()).isEqualTo(first.body().length);
        assertThat(second.headers().firstValue("ETag")).contains("\"v1\"");
        assertThat(origin.ifNoneMatch).containsExactly("null", "\"v1\"");
        assertThat(origin.full.get()).isEqualTo(1);
        assertThat(origin.notModified.get()).isEqualTo(1);
        assertThat(app.cache.stats().revalidations()).isPositive();

        // the client's own validators are answered by the cache from the freshened page
        HttpResponse<byte[]> clientConditional = get(app.url(p), "If-None-Match", "\"v1\"");
        assertThat(clientConditional.statusCode()).isEqualTo(304);
        assertThat(origin.ifNoneMatch).last().isEqualTo("\"v1\"");

        // a new version: the origin answers the conditional request with the whole page, which replaces the old
        origin.version.set(2);
        HttpResponse<byte[]> changed = get(app.url(p));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(body(changed)).startsWith("version 2");
        assertThat(changed.headers().firstValue("ETag")).contains("\"v2\"");
        assertThat(xcache(changed)).isEqualTo("MISS");
    }

    @Test
    void noCacheResponsesAreStoredAndRevalidatedOnEveryUseAcrossNodes() throws Exception {
        String p = path("/no-cache");
        Versioned origin = new Versioned("no-cache");
        app.origin.on(p, origin);
        peer.origin.on(p, origin);
        get(app.url(p));
        assertThat(app.cache.awaitSharedWrites(Duration.ofSeconds(30))).isTrue();
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = get(app.url(p));
            assertThat(xcache(r)).as("use %d", i).isEqualTo("REVALIDATED");
            assertThat(body(r)).startsWith("version 1 rendered by call 1");
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache");
        }
        assertThat(app.cache.awaitSharedWrites(Duration.ofSeconds(30))).isTrue();
        // the other node finds the stored page in Redis and revalidates it too, without a body
        HttpResponse<byte[]> other = get(peer.url(p), "Host", "127.0.0.1:" + app.port());
        assertThat(xcache(other)).isEqualTo("REVALIDATED");
        assertThat(origin.full.get()).isEqualTo(1);
        assertThat(origin.notModified.get()).isEqualTo(4);
    }

    @Test
    void a304ForAnotherRepresentationIsNotAppliedAndThePageIsFetchedWhole() {
        String p = path("/mismatch");
        AtomicInteger conditional = new AtomicInteger();
        app.origin.on(p, (req, res, call) -> {
            res.setHeader("Cache-Control", "max-age=0");
            if (req.getHeader("If-None-Match") != null) {
                conditional.incrementAndGet();
                // a broken origin: a 304 whose validator is not the one asked about
                res.setHeader("ETag", "\"something-else\"");
                res.setStatus(304);
                return;
            }
            res.setHeader("ETag", "\"e" + call + "\"");
            Origin.html(res, "whole page " + call);
        });
        get(app.url(p));
        HttpResponse<byte[]> r = get(app.url(p));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body(r)).isEqualTo("whole page 3");
        assertThat(conditional.get()).isEqualTo(1);
        assertThat(app.origin.calls(p)).isEqualTo(3);
    }

    @Test
    void staleWhileRevalidateRefreshesWithAConditionalRequest() throws Exception {
        String p = path("/swr-304");
        Versioned origin = new Versioned("max-age=1, stale-while-revalidate=60");
        app.origin.on(p, origin);
        get(app.url(p));
        Thread.sleep(1200);
        HttpResponse<byte[]> stale = get(app.url(p));
        assertThat(xcache(stale)).isEqualTo("STALE");
        PageCacheIT.waitUntil(() -> origin.notModified.get() == 1);
        PageCacheIT.waitUntil(() -> xcache(get(app.url(p))).equals("HIT-L1"));
        HttpResponse<byte[]> fresh = get(app.url(p));
        assertThat(fresh.headers().firstValue("X-Served")).contains("2");
        assertThat(body(fresh)).startsWith("version 1 rendered by call 1");
        assertThat(origin.full.get()).isEqualTo(1);
    }

    @Test
    void withKeepOffAPageWithoutFreshnessIsNotStored() throws Exception {
        try (WebApp noKeep = WebApp.start(PageCache.builder().keep(Duration.ZERO).build(), false)) {
            String p = path("/no-keep");
            Versioned origin = new Versioned("no-cache");
            noKeep.origin.on(p, origin);
            get(noKeep.url(p));
            HttpResponse<byte[]> second = get(noKeep.url(p));
            assertThat(xcache(second)).isEqualTo("MISS");
            assertThat(second.headers().firstValue("Cache-Status").orElseThrow()).contains("detail=no-cache");
            assertThat(origin.full.get()).isEqualTo(2);
        }
    }

    // ---- ranges ----------------------------------------------------------------------------------

    @Test
    void aRangeOfAStoredPageIsAnsweredWith206FromTheCache() {
        String p = path("/range");
        byte[] text = ("0123456789".repeat(100)).getBytes(StandardCharsets.UTF_8);
        app.origin.on(p, (req, res, call) -> {
            res.setHeader("Cache-Control", "max-age=60");
            res.setContentType("application/octet-stream");
            res.getOutputStream().write(text);
        });
        HttpResponse<byte[]> whole = get(app.url(p));
        String etag = whole.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> part = get(app.url(p), "Range", "bytes=10-19");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 10-19/1000");
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(text, 10, 20));

        HttpResponse<byte[]> suffix = get(app.url(p), "Range", "bytes=-5");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(text, 995, 1000));

        HttpResponse<byte[]> open = get(app.url(p), "Range", "bytes=990-");
        assertThat(open.headers().firstValue("Content-Range")).contains("bytes 990-999/1000");

        HttpResponse<byte[]> beyond = get(app.url(p), "Range", "bytes=5000-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */1000");

        HttpResponse<byte[]> matching = get(app.url(p), "Range", "bytes=0-1", "If-Range", etag);
        assertThat(matching.statusCode()).isEqualTo(206);
        HttpResponse<byte[]> otherVersion = get(app.url(p), "Range", "bytes=0-1", "If-Range", "\"not-this\"");
        assertThat(otherVersion.statusCode()).isEqualTo(200);
        assertThat(otherVersion.body()).isEqualTo(text);

        HttpResponse<byte[]> several = get(app.url(p), "Range", "bytes=0-1,5-6");
        assertThat(several.statusCode()).as("several ranges: the whole page, as a server may").isEqualTo(200);
        assertThat(app.origin.calls(p)).isEqualTo(1);
    }

    @Test
    void aRangeRequestThatMissesGoesToTheHandlerAndIts206IsNotStored() {
        String p = path("/range-miss");
        app.origin.on(p, (req, res, call) -> {
            res.setHeader("Cache-Control", "max-age=60");
            if (req.getHeader("Range") != null) {
                res.setStatus(206);
                res.setHeader("Content-Range", "bytes 0-1/10");
                Origin.html(res, "#" + call);
                return;
            }
            Origin.html(res, "whole #" + call);
        });
        HttpResponse<byte[]> part = get(app.url(p), "Range", "bytes=0-1");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(xcache(part)).isEqualTo("BYPASS");
        HttpResponse<byte[]> whole = get(app.url(p));
        assertThat(xcache(whole)).isEqualTo("MISS");
        assertThat(body(whole)).isEqualTo("whole #2");
    }

    // ---- Date and Age ----------------------------------------------------------------------------

    @Test
    void theOriginsDateIsStoredAndSentOnceAndAgeCountsItsAge() throws Exception {
        String p = path("/date");
        String date = CaptureResponse.httpDate(System.currentTimeMillis());
        app.origin.on(p, Origin.fields("Cache-Control", "max-age=600", "Date", date, "Age", "100"));
        HttpResponse<byte[]> miss = get(app.url(p));
        HttpResponse<byte[]> hit = get(app.url(p));
        assertThat(xcache(hit)).isEqualTo("HIT-L1");
        for (HttpResponse<byte[]> r : List.of(miss, hit)) {
            assertThat(r.headers().allValues("Date")).containsExactly(date);
            // an upstream cache said 100 s: the age never goes below it (RFC 9111 §4.2.3)
            assertThat(Long.parseLong(r.headers().firstValue("Age").orElseThrow())).isGreaterThanOrEqualTo(100);
        }
        String ttl = hit.headers().firstValue("Cache-Status").orElseThrow().replaceAll(".*ttl=(-?[0-9]+).*", "$1");
        assertThat(Long.parseLong(ttl)).isBetween(0L, 500L);

        // a response whose Date is far in the past arrived old: with max-age below that age it is stale on arrival
        String old = path("/old-date");
        app.origin.on(old, Origin.fields("Cache-Control", "max-age=60",
                "Date", CaptureResponse.httpDate(System.currentTimeMillis() - 3_600_000)));
        get(app.url(old));
        HttpResponse<byte[]> again = get(app.url(old));
        assertThat(xcache(again)).isEqualTo("MISS");
        assertThat(again.headers().firstValue("Cache-Status").orElseThrow()).contains("stale-on-arrival");

        // without a Date from the handler, a stored page is sent with one Date: when it was received
        String none = path("/no-date");
        get(app.url(none));
        HttpResponse<byte[]> noneHit = get(app.url(none));
        assertThat(noneHit.headers().allValues("Date")).hasSize(1);
        assertThat(HttpDates.parse(noneHit.headers().firstValue("Date").orElseThrow(), System.currentTimeMillis()))
                .isPositive();
    }

    // ---- CDN-Cache-Control -----------------------------------------------------------------------

    @Test
    void cdnCacheControlReplacesCacheControlIncludingNoStore() throws Exception {
        String p = path("/cdn-over-no-store");
        Origin.Behaviour cdnOverNoStore = Origin.fields("Cache-Control", "no-store", "CDN-Cache-Control", "max-age=60");
        app.origin.on(p, cdnOverNoStore);
        get(app.url(p));
        HttpResponse<byte[]> hit = get(app.url(p));
        assertThat(xcache(hit)).isEqualTo("HIT-L1");
        assertThat(hit.headers().firstValue("Cache-Control")).as("passed on for the browser").contains("no-store");

        String q = path("/cdn-no-store");
        app.origin.on(q, Origin.fields("Cache-Control", "max-age=60", "CDN-Cache-Control", "no-store"));
        get(app.url(q));
        assertThat(xcache(get(app.url(q)))).isEqualTo("MISS");

        try (WebApp off = WebApp.start(PageCache.builder().honourCdnCacheControl(false).build(), false)) {
            off.origin.on(p, cdnOverNoStore);
            get(off.url(p));
            assertThat(xcache(get(off.url(p)))).as("with the setting off, Cache-Control rules").isEqualTo("MISS");
        }
    }
}
