package io.polystore.pagecache;

import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.polystore.pagecache.Http.body;
import static io.polystore.pagecache.Http.get;
import static io.polystore.pagecache.Http.xcache;
import static org.assertj.core.api.Assertions.assertThat;

/** Two app nodes in separate JVMs sharing one Redis: purges reach the other node, cold pages render once. */
class TwoNodesIT {
    static final String HOST = "site.example";
    static WebApp local;
    static Process remote;
    static int remotePort;

    /**
     * The two nodes. The invalidation bound is 3 s rather than the default 1 s: with three busy loops beside two
     * JVMs and Redis on two cores, a render can outlast 1 s, and a page whose request began longer than the bound
     * ago is served from memory only while the node hears its heartbeats or Redis confirms it (see
     * docs/PAGE-CACHE.md); the bound itself is tested by PurgeDeliveryIT.
     */
    static PageCache.Builder node(String redis, String namespace) {
        return PageCache.builder().redis(redis).namespace(namespace).clusterLock(true)
                .invalidationBound(java.time.Duration.ofSeconds(3))
                .route(RouteRule.never("/_calls"));
    }

    static Origin origin() {
        Origin origin = new Origin();
        origin.on("/cold*", (req, res, call) -> {
            PageCacheIT.sleep(300);
            Origin.cacheable(60).answer(req, res, call);
        });
        origin.on("/_calls", (req, res, call) -> Origin.html(res, Integer.toString(calls(req.getParameter("path")))));
        return origin;
    }

    /** the origin of the node in this JVM (set by the test, or by NodeMain in the other) */
    static Origin self;

    private static int calls(String path) {
        return self == null ? -1 : self.calls(path);
    }

    @BeforeAll
    static void start() throws Exception {
        String redis = TestServers.redisUrl();
        String namespace = "test:two-nodes:" + UUID.randomUUID();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        remote = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djdk.httpclient.allowRestrictedHeaders=host", NodeMain.class.getName(), redis, namespace)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(remote.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            System.out.println("[node 2] " + line);
        }
        assertThat(line).as("node 2 started").isNotNull();
        remotePort = Integer.parseInt(line.substring(6).trim());
        Origin origin = origin();
        self = origin;
        local = WebApp.start(node(redis, namespace).build(), false, origin, 0);
        PageCacheIT.waitUntil(local.cache::sharedTierConnected);
    }

    @AfterAll
    static void stop() throws Exception {
        if (local != null) {
            local.close();
        }
        if (remote != null) {
            remote.getOutputStream().close();
            if (!remote.waitFor(10, TimeUnit.SECONDS)) {
                remote.destroyForcibly();
            }
        }
    }

    static HttpResponse<byte[]> remoteGet(String path) {
        return get("http://127.0.0.1:" + remotePort + path, "Host", HOST);
    }

    static HttpResponse<byte[]> localGet(String path) {
        return get(local.url(path), "Host", HOST);
    }

    @Test
    void aPurgeOnOneNodeIsDeliveredAndLeavesTheOtherNodesMemory() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            String p = "/page-" + UUID.randomUUID();
            remoteGet(p);
            long warmDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!xcache(remoteGet(p)).equals("HIT-L1")) { // node 2 serves memory once its lease is live
                assertThat(System.nanoTime()).as("node 2 serves the page from memory").isLessThan(warmDeadline);
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            PurgeResult result = local.cache.purgeUrl("http://" + HOST + p);
            if (!result.delivered()) { // told, not lost: on a busy machine Redis may take longer than purge-timeout
                System.out.println("purge pending after purge-timeout: " + result);
                PageCacheIT.waitUntil(() -> local.cache.pendingPurges() == 0);
                t0 = System.nanoTime();
            }
            long elapsed;
            while (true) {
                elapsed = System.nanoTime() - t0; // before the request: a HIT-L1 counts against the bound only if sent after it
                HttpResponse<byte[]> r = remoteGet(p);
                if (!xcache(r).equals("HIT-L1")) {
                    assertThat(xcache(r)).isEqualTo("MISS");
                    break;
                }
                assertThat(elapsed).as("node 2 served the purged page from memory after the invalidation bound")
                        .isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(3));
            }
            millis.add(TimeUnit.NANOSECONDS.toMillis(elapsed));
        }
        Collections.sort(millis);
        // a figure, not a claim: the bench measures propagation; the bound above is what must hold
        System.out.println("purge left node 2's memory after (ms, sorted): " + millis);
    }

    @Test
    void twoHundredPurgesUnderCpuLoadInterleavedWithReadsOnBothNodesAreNeverLost() throws Exception {
        int lost = 0;
        int pendingAtFirst = 0;
        long slowest = 0;
        try (CpuLoad load = CpuLoad.start(3)) {
            for (int i = 0; i < 200; i++) {
                String p = "/purged-" + i + "-" + UUID.randomUUID();
                long warmDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!xcache(remoteGet(p)).equals("HIT-L1")) {
                    assertThat(System.nanoTime()).as("node 2 serves the page from memory").isLessThan(warmDeadline);
                    Thread.sleep(5);
                }
                localGet(p);
                PurgeResult result = local.cache.purgeUrl("http://" + HOST + p);
                long deliveredAt = System.nanoTime();
                if (!result.delivered()) {
                    pendingAtFirst++;
                    PageCacheIT.waitUntil(() -> local.cache.pendingPurges() == 0);
                    deliveredAt = System.nanoTime();
                }
                assertThat(xcache(localGet(p))).as("this node's memory is purged at once").isNotEqualTo("HIT-L1");
                while (true) {
                    long since = System.nanoTime() - deliveredAt; // taken before the request is sent
                    if (!xcache(remoteGet(p)).equals("HIT-L1")) {
                        slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(since));
                        break;
                    }
                    if (since > TimeUnit.SECONDS.toNanos(3)) { // node 2's invalidation bound
                        lost++;
                        break;
                    }
                }
            }
        }
        System.out.println("200 purges across two JVMs under load: " + pendingAtFirst
                + " reported pending at first (then delivered), slowest to leave node 2's memory " + slowest + " ms");
        assertThat(lost).as("purges node 2 still served from memory past its bound").isZero();
    }

    @Test
    void aColdPageUnderConcurrentLoadOnBothNodesIsRenderedOnce() throws Exception {
        String p = "/cold-" + UUID.randomUUID();
        List<HttpResponse<byte[]>> all = PageCacheIT.concurrently(100, alternating(p));
        int remoteCalls = Integer.parseInt(body(remoteGet("/_calls?path=" + p)));
        int localCalls = local.origin.calls(p);
        assertThat(localCalls + remoteCalls).as("renders on both nodes (local " + localCalls + ", remote " + remoteCalls
                + "); answers: " + all.stream().collect(java.util.stream.Collectors.groupingBy(
                r -> r.headers().firstValue("Cache-Status").orElse("-"), java.util.stream.Collectors.counting()))).isEqualTo(1);
        String expected = body(all.get(0));
        assertThat(all).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(body(r)).isEqualTo(expected);
        });
    }

    @Test
    void twentyColdPagesOnABusyMachineAreEachRenderedOncePerCluster() throws Exception {
        List<String> twice = new ArrayList<>();
        // three CPU-bound threads beside the two nodes, as on a laptop during a build
        try (CpuLoad load = CpuLoad.start(3)) {
            for (int i = 0; i < 20; i++) {
                String p = "/cold-busy-" + i + "-" + UUID.randomUUID();
                List<HttpResponse<byte[]>> all = PageCacheIT.concurrently(16, alternating(p));
                int renders = local.origin.calls(p) + Integer.parseInt(body(remoteGet("/_calls?path=" + p)));
                if (renders != 1) {
                    twice.add(p + ": " + renders + " renders, Cache-Status " + all.stream()
                            .map(r -> r.headers().firstValue("Cache-Status").orElse("-")).distinct().toList());
                }
                assertThat(all).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            }
        }
        assertThat(twice).as("cold pages rendered more than once across the two nodes").isEmpty();
    }

    private static java.util.concurrent.Callable<HttpResponse<byte[]>> alternating(String p) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return () -> n.incrementAndGet() % 2 == 0 ? localGet(p) : remoteGet(p);
    }
}
