package io.polystore.pagecache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Micrometer listener and the built-in counters, on a memory-only cache in front of Jetty. */
class MetricsTest {
    @Test
    void hitsMissesBypassesRendersAndEvictionsAreCounted() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PageCache cache = PageCache.builder().localMaxBytes(20_000)
                .listener(new MicrometerListener(registry, "pages")).build();
        try (WebApp app = WebApp.start(cache, false)) {
            app.origin.on("/big/*", (req, res, call) -> {
                res.setHeader("Cache-Control", "max-age=60");
                res.setContentType("application/octet-stream");
                res.getOutputStream().write(new byte[6000]);
            });
            Http.get(app.url("/a"));
            Http.get(app.url("/a"));
            Http.get(app.url("/a"), "Cookie", "JSESSIONID=x");
            for (int i = 0; i < 10; i++) {
                Http.get(app.url("/big/" + i));
            }
            cache.purgeUrl(app.url("/a"));
            // counters are updated after the response is written: the client can be faster
            PageCacheIT.waitUntil(() -> registry.get("polystore.pagecache.requests").tag("outcome", "miss").counter()
                    .count() == 11);
            assertThat(registry.get("polystore.pagecache.requests").tag("outcome", "hit-l1").counter().count()).isEqualTo(1);
            assertThat(registry.get("polystore.pagecache.requests").tag("outcome", "miss").counter().count()).isEqualTo(11);
            assertThat(registry.get("polystore.pagecache.bypasses").tag("reason", "session-cookie").counter().count())
                    .isEqualTo(1);
            assertThat(registry.get("polystore.pagecache.render").tag("stored", "true").timer().count()).isEqualTo(11);
            assertThat(registry.get("polystore.pagecache.evictions").counter().count()).isPositive();
            assertThat(registry.get("polystore.pagecache.purges").tag("kind", "url").counter().count()).isEqualTo(1);
            PageCache.Snapshot s = cache.stats();
            assertThat(s.hitsL1()).isEqualTo(1);
            assertThat(s.misses()).isEqualTo(11);
            assertThat(s.bypasses()).isEqualTo(1);
            assertThat(s.stored()).isEqualTo(11);
            assertThat(s.evictions()).isPositive();
            assertThat(s.localUrls()).isLessThan(10);
        }
    }

    @Test
    void withoutAListenerTheCacheReportsToMicrometersGlobalRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.addRegistry(registry);
        try (WebApp app = WebApp.start(PageCache.builder().namespace("metrics-global").build(), false)) {
            Http.get(app.url("/g"));
            Http.get(app.url("/g"));
            PageCacheIT.waitUntil(() -> registry.find("polystore.pagecache.requests").tag("cache", "metrics-global")
                    .tag("outcome", "hit-l1").counter() != null && registry.get("polystore.pagecache.requests")
                    .tag("cache", "metrics-global").tag("outcome", "hit-l1").counter().count() == 1);
            assertThat(registry.get("polystore.pagecache.requests").tag("cache", "metrics-global").tag("outcome", "hit-l1")
                    .counter().count()).isEqualTo(1);
        } finally {
            io.micrometer.core.instrument.Metrics.removeRegistry(registry);
        }
    }
}
