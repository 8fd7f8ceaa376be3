package io.polystore.pagecache;

import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polystore.pagecache.Http.body;
import static io.polystore.pagecache.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster lock's holder dies in the middle of a render: the other node waits for the lease
 * ({@code lock-ttl}) to lapse, then renders the page itself, once, and says why in Cache-Status.
 */
class LockHolderDiesIT {
    Process remote;
    WebApp local;

    @AfterEach
    void stop() {
        if (remote != null) {
            remote.destroyForcibly();
        }
        if (local != null) {
            local.close();
        }
    }

    @Test
    void theOtherNodeRendersOnceTheDeadHoldersLeaseLapsedAndSaysSo() throws Exception {
        String redis = TestServers.redisUrl();
        String namespace = "test:lock-holder:" + UUID.randomUUID();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        remote = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(),
                redis, namespace, "PT1.5S").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(remote.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            System.out.println("[node 2] " + line);
        }
        assertThat(line).as("node 2 started").isNotNull();
        int remotePort = Integer.parseInt(line.substring(6).trim());
        local = WebApp.start(TwoNodesIT.node(redis, namespace).lockTtl(Duration.ofMillis(1500)).build(), false);
        PageCacheIT.waitUntil(local.cache::sharedTierConnected);

        String p = "/stuck-" + UUID.randomUUID();
        // node 2 takes the lock and starts a render it will never finish
        CompletableFuture<HttpResponse<byte[]>> never = CompletableFuture.supplyAsync(
                () -> get("http://127.0.0.1:" + remotePort + p, "Host", TwoNodesIT.HOST));
        PageCacheIT.waitUntil(() -> body(get("http://127.0.0.1:" + remotePort + "/_calls?path=" + p,
                "Host", TwoNodesIT.HOST)).equals("1"));
        remote.destroyForcibly();
        assertThat(remote.waitFor(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<byte[]> r = get(local.url(p), "Host", TwoNodesIT.HOST);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Status").orElseThrow()).contains("stored").contains("detail=lock-lapsed");
        assertThat(local.origin.calls(p)).as("rendered once here, after the dead node's lease").isEqualTo(1);
        assertThat(Http.xcache(get(local.url(p), "Host", TwoNodesIT.HOST))).isEqualTo("HIT-L1");
        assertThat(never).isCompletedExceptionally();
    }
}
