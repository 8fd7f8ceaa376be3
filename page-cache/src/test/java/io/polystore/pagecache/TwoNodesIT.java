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

    static PageCache.Builder node(String redis, String namespace) {
        return PageCache.builder().redis(redis).namespace(namespace).clusterLock(true)
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
    void aPurgeOnOneNodeClearsTheOtherNodesMemoryWithin100Ms() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            String p = "/page-" + UUID.randomUUID();
            remoteGet(p);
            assertThat(xcache(remoteGet(p))).isEqualTo("HIT-L1");
            long t0 = System.nanoTime();
            local.cache.purgeUrl("http://" + HOST + p);
            long elapsed;
            while (true) {
                HttpResponse<byte[]> r = remoteGet(p);
                elapsed = System.nanoTime() - t0;
                if (!xcache(r).equals("HIT-L1")) {
                    assertThat(xcache(r)).isEqualTo("MISS");
                    break;
                }
                assertThat(elapsed).as("node 2 still serves the purged page").isLessThan(TimeUnit.SECONDS.toNanos(2));
            }
            millis.add(TimeUnit.NANOSECONDS.toMillis(elapsed));
        }
        Collections.sort(millis);
        System.out.println("purge reached node 2 in (ms, sorted): " + millis);
        assertThat(millis.get(millis.size() - 1)).isLessThan(100);
    }

    @Test
    void aColdPageUnderConcurrentLoadOnBothNodesIsRenderedOnce() throws Exception {
        String p = "/cold-" + UUID.randomUUID();
        List<HttpResponse<byte[]>> all = PageCacheIT.concurrently(100,
                new java.util.concurrent.Callable<>() {
                    private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

                    @Override
                    public HttpResponse<byte[]> call() {
                        return n.incrementAndGet() % 2 == 0 ? localGet(p) : remoteGet(p);
                    }
                });
        int remoteCalls = Integer.parseInt(body(remoteGet("/_calls?path=" + p)));
        int localCalls = local.origin.calls(p);
        assertThat(localCalls + remoteCalls).as("renders on both nodes").isEqualTo(1);
        String expected = body(all.get(0));
        assertThat(all).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(body(r)).isEqualTo(expected);
        });
    }
}
