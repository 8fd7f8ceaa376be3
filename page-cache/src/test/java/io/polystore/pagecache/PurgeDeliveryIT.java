package io.polystore.pagecache;

import io.polystore.testkit.RedisServer;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.polystore.pagecache.Http.get;
import static io.polystore.pagecache.Http.xcache;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A purge is delivered or the caller is told, and no node serves a purged page from memory longer
 * than the invalidation bound after the purge reached Redis, even when Redis is frozen while the
 * purge is made: two nodes (two caches in this JVM) on a {@code redis-server} of the test's own.
 */
class PurgeDeliveryIT {
    private static final String HOST = "site.example";
    private static final Duration BOUND = Duration.ofMillis(500);

    private static RedisServer ownRedis() {
        try {
            return RedisServer.start(RedisServer.freePort(), List.of());
        } catch (IllegalStateException e) {
            TestServers.unavailable(TestServers.REDIS, "cannot start a redis-server of the test's own: " + e.getMessage());
            throw e;
        }
    }

    private static PageCache node(RedisServer redis, String client, String namespace) {
        return PageCache.builder().redis(redis.url()).redisClient(client).namespace(namespace)
                .invalidationBound(BOUND).purgeTimeout(Duration.ofMillis(300))
                .redisTimeout(Duration.ofMillis(100)).circuitBreaker(3, Duration.ofMillis(300)).build();
    }

    private static HttpResponse<byte[]> fetch(WebApp app, String path) {
        return get(app.url(path), "Host", HOST);
    }

    /** Reads until the node holds the page in memory (its lease must be live first). */
    private static void warm(WebApp app, String path) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (xcache(fetch(app, path)).equals("HIT-L1")) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("node never served " + path + " from memory");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lettuce", "jedis"})
    void aPurgeMadeWhileRedisIsFrozenIsReportedRetriedAndBoundedOnEveryNode(String client) throws Exception {
        String namespace = "test:purge-delivery:" + UUID.randomUUID();
        try (RedisServer redis = ownRedis();
             WebApp a = WebApp.start(node(redis, client, namespace), false, cacheableOrigin(), 0);
             WebApp b = WebApp.start(node(redis, client, namespace), false, cacheableOrigin(), 0)) {
            String path = "/page-" + UUID.randomUUID();
            warm(b, path);

            redis.pause();
            long purgedAt;
            PurgeResult result;
            try {
                purgedAt = System.nanoTime();
                result = a.cache.purgeUrl("http://" + HOST + path);
                assertThat(result.delivered()).as("Redis is frozen: the caller is told").isFalse();
                assertThat(a.cache.pendingPurges()).isEqualTo(1);
                // node b cannot hear the purge; it must stop serving the page from memory within the bound
                Thread.sleep(BOUND.toMillis() + 100);
                HttpResponse<byte[]> during = fetch(b, path);
                assertThat(xcache(during)).as("node b after the bound, Redis frozen").isNotEqualTo("HIT-L1");
                assertThat(during.statusCode()).isEqualTo(200);
            } finally {
                redis.resume();
            }
            // the pending purge is delivered once Redis answers again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (a.cache.pendingPurges() > 0) {
                assertThat(System.nanoTime()).as("the pending purge is delivered after Redis returns").isLessThan(deadline);
                Thread.sleep(20);
            }
            System.out.println(client + ": purge delivered " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - purgedAt)
                    + " ms after it was made (Redis frozen for " + (BOUND.toMillis() + 100) + " ms)");
            assertThat(a.cache.purgeUrl("http://" + HOST + path).delivered()).as("with Redis back, a purge is delivered at once")
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lettuce", "jedis"})
    void twoHundredPurgesUnderCpuLoadAreAllDeliveredWithinTheBound(String client) throws Exception {
        String namespace = "test:purge-load:" + UUID.randomUUID();
        int notDelivered = 0;
        int violations = 0;
        long maxMillis = 0;
        try (CpuLoad load = CpuLoad.start(3);
             RedisServer redis = ownRedis();
             WebApp a = WebApp.start(node(redis, client, namespace), false, cacheableOrigin(), 0);
             WebApp b = WebApp.start(node(redis, client, namespace), false, cacheableOrigin(), 0)) {
            for (int i = 0; i < 200; i++) {
                String path = "/load-" + i + "-" + UUID.randomUUID();
                warm(b, path);
                fetch(a, path);
                PurgeResult r = a.cache.purgeUrl("http://" + HOST + path);
                long deliveredAt = System.nanoTime();
                if (!r.delivered()) {
                    notDelivered++;
                    while (a.cache.pendingPurges() > 0) {
                        Thread.sleep(10);
                    }
                    deliveredAt = System.nanoTime();
                }
                // node b: from now on a HIT-L1 is allowed only within the bound; then it must be gone
                while (true) {
                    long since = System.nanoTime() - deliveredAt; // taken before the request is sent
                    HttpResponse<byte[]> res = fetch(b, path);
                    if (!xcache(res).equals("HIT-L1")) {
                        maxMillis = Math.max(maxMillis, TimeUnit.NANOSECONDS.toMillis(since));
                        break;
                    }
                    if (since > BOUND.toNanos()) {
                        violations++;
                        break;
                    }
                }
            }
        }
        System.out.println(client + ": 200 purges under load: " + notDelivered + " reported pending at first (then delivered), "
                + "slowest to leave node b's memory " + maxMillis + " ms");
        assertThat(violations).as("purged pages served from memory after the bound").isZero();
    }

    private static Origin cacheableOrigin() {
        Origin origin = new Origin();
        origin.on("/*", Origin.cacheable(300));
        return origin;
    }
}
