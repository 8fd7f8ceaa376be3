package io.polystore.pagecache;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static io.polystore.pagecache.Http.body;
import static io.polystore.pagecache.PageCacheIT.path;
import static io.polystore.pagecache.Http.get;
import static io.polystore.pagecache.Http.xcache;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the shared tier must do on every Redis client and topology: pages stored by one node are
 * served by another, purges of every kind reach the other node and Redis, the cluster lock makes a
 * cold page render once. Subclasses name the client and the Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedTierContract {
    WebApp a;
    WebApp b;
    String host;

    /** @return the Redis URI to test against (may start servers) */
    abstract String redisUri();

    /** @return lettuce or jedis */
    abstract String client();

    void stopRedis() {
    }

    /** @return a builder whose shared tier is the Redis under test */
    PageCache.Builder cacheOn(String uri) {
        return PageCache.builder().redis(uri).redisClient(client());
    }

    @BeforeAll
    void start() throws Exception {
        String uri = redisUri();
        String namespace = "test:tier:" + UUID.randomUUID();
        a = WebApp.start(cacheOn(uri).namespace(namespace).clusterLock(true).build(), false);
        b = WebApp.start(cacheOn(uri).namespace(namespace).clusterLock(true).build(), false);
        host = "127.0.0.1:" + a.port();
        // on a busy machine the first connection may take longer than the connect timeout; the cache retries
        PageCacheIT.waitUntil(() -> a.cache.sharedTierConnected() && b.cache.sharedTierConnected());
    }

    @AfterAll
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        stopRedis();
    }

    /** A request to node a; returns once what it stored has reached Redis. */
    HttpResponse<byte[]> onA(String path, String... headers) {
        HttpResponse<byte[]> r = get(a.url(path), with(headers));
        assertThat(a.cache.awaitSharedWrites(java.time.Duration.ofSeconds(5))).isTrue();
        return r;
    }

    HttpResponse<byte[]> onB(String path, String... headers) {
        return get(b.url(path), with(headers));
    }

    private String[] with(String[] headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Host";
        all[headers.length + 1] = host;
        return all;
    }

    @Test
    void aPageStoredByOneNodeIsServedByTheOtherFromRedisThenFromMemory() {
        String p = path("/shared") + "/caf%C3%A9%20%7B%7D'%22;?q=%F0%9F%98%80&x=%24%7Bx%7D";
        int calls = b.origin.totalCalls();
        HttpResponse<byte[]> first = onA(p);
        HttpResponse<byte[]> l2 = onB(p);
        HttpResponse<byte[]> l1 = onB(p);
        assertThat(xcache(l2)).isEqualTo("HIT-L2");
        assertThat(xcache(l1)).isEqualTo("HIT-L1");
        assertThat(body(l2)).isEqualTo(body(first));
        assertThat(b.origin.totalCalls()).isEqualTo(calls);
    }

    @Test
    void variantsTravelThroughRedis() {
        String p = path("/vary");
        for (WebApp app : List.of(a, b)) {
            app.origin.on(p, (req, res, call) -> {
                res.setHeader("Cache-Control", "max-age=60");
                res.setHeader("Vary", "Accept-Language");
                Origin.html(res, "lang=" + req.getHeader("Accept-Language"));
            });
        }
        onA(p, "Accept-Language", "en");
        onA(p, "Accept-Language", "de");
        HttpResponse<byte[]> de = onB(p, "Accept-Language", "de");
        HttpResponse<byte[]> en = onB(p, "Accept-Language", "en");
        assertThat(xcache(de)).isEqualTo("HIT-L2");
        assertThat(body(de)).isEqualTo("lang=de");
        assertThat(xcache(en)).isEqualTo("HIT-L2");
        assertThat(body(en)).isEqualTo("lang=en");
    }

    @Test
    void purgesOfEveryKindReachTheOtherNodeAndRedis() throws Exception {
        String base = path("/purge");
        String tag = "t-" + UUID.randomUUID();
        for (WebApp app : List.of(a, b)) {
            app.origin.on(base + "/*", (req, res, call) -> {
                res.setHeader("Cache-Control", "max-age=60");
                res.setHeader("Cache-Tag", req.getRequestURI().endsWith("/tagged") ? tag : "other");
                Origin.html(res, req.getRequestURI());
            });
        }
        List<String> pages = List.of("/u", "/pre/1", "/pre/2", "/tagged", "/rest");
        for (String s : pages) {
            onA(base + s);
            onB(base + s);
            assertThat(xcache(onB(base + s))).isEqualTo("HIT-L1");
        }
        a.cache.purgeUrl("http://" + host + base + "/u");
        a.cache.purgePrefix("http://" + host + base + "/pre/");
        a.cache.purgeTag(tag);
        Thread.sleep(300);
        for (String s : List.of("/u", "/pre/1", "/pre/2", "/tagged")) {
            assertThat(xcache(onB(base + s))).as(s).isEqualTo("MISS");
        }
        assertThat(xcache(onB(base + "/rest"))).isEqualTo("HIT-L1");
        a.cache.purgeAll();
        Thread.sleep(300);
        assertThat(xcache(onB(base + "/rest"))).isEqualTo("MISS");
    }

    @Test
    void aColdPageRendersOncePerClusterUnderTheLock() throws Exception {
        String p = path("/cold");
        for (WebApp app : List.of(a, b)) {
            app.origin.on(p, (req, res, call) -> {
                PageCacheIT.sleep(300);
                Origin.cacheable(60).answer(req, res, call);
            });
        }
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        List<HttpResponse<byte[]>> all = PageCacheIT.concurrently(40, () -> n.incrementAndGet() % 2 == 0 ? onA(p) : onB(p));
        assertThat(a.origin.calls(p) + b.origin.calls(p)).as("renders; stats a %s, b %s", a.cache.stats(), b.cache.stats())
                .isEqualTo(1);
        assertThat(all).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    }

    @Test
    void aNodeWithAStaleCopyTakesTheFresherOneAnotherNodeStored() throws Exception {
        String p = path("/refreshed");
        for (WebApp app : List.of(a, b)) {
            app.origin.on(p, (req, res, call) -> {
                res.setHeader("Cache-Control", "max-age=1, stale-while-revalidate=30");
                Origin.html(res, "rendered by " + (app == a ? "a" : "b") + " #" + call);
            });
        }
        onA(p);
        assertThat(xcache(onB(p))).isEqualTo("HIT-L2");
        Thread.sleep(1200);
        // a's copy is stale: a serves it once and refreshes it in the background
        assertThat(xcache(onA(p))).isEqualTo("STALE");
        // the refresh is done once a serves the new page from memory; its Redis write started before
        PageCacheIT.waitUntil(() -> body(get(a.url(p), "Host", host)).endsWith("#2"));
        assertThat(a.cache.awaitSharedWrites(java.time.Duration.ofSeconds(5))).isTrue();
        // b's copy is stale too, but Redis has a's fresh one: b serves that instead of rendering
        HttpResponse<byte[]> fromB = onB(p);
        assertThat(xcache(fromB)).isEqualTo("HIT-L2");
        assertThat(body(fromB)).isEqualTo("rendered by a #2");
        assertThat(b.origin.calls(p)).isZero();
    }
}
