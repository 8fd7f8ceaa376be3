package io.polystore.pagecache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A second app node in its own JVM for {@link TwoNodesIT}: Jetty, the page cache (cluster lock on)
 * and an {@link Origin} that renders {@code /cold*} slowly and {@code /stuck*} not before a minute;
 * {@code /_calls?path=} tells how often a path was rendered. An optional third argument sets the
 * lock lease ({@code lock-ttl}). Prints {@code READY <port>} and runs until its stdin closes.
 */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] args) throws Exception {
        String redis = args[0];
        String namespace = args[1];
        PageCache.Builder builder = TwoNodesIT.node(redis, namespace);
        if (args.length > 2) {
            builder.lockTtl(java.time.Duration.parse(args[2]));
        }
        PageCache cache = builder.build();
        Origin origin = TwoNodesIT.origin();
        origin.on("/stuck*", (req, res, call) -> {
            PageCacheIT.sleep(60_000); // a render this node will not finish: the test kills it meanwhile
            Origin.cacheable(60).answer(req, res, call);
        });
        TwoNodesIT.self = origin;
        try (WebApp app = WebApp.start(cache, false, origin, 0)) {
            // on a busy machine the first connection can outlast the connect timeout; the cache retries
            PageCacheIT.waitUntil(cache::sharedTierConnected);
            System.out.println("READY " + app.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // runs until the parent closes stdin or kills the process
            }
        }
        System.exit(0);
    }
}
