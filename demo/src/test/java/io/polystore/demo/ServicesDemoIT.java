package io.polystore.demo;

import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app on {@code polystore-services.yaml}: users in PostgreSQL, notes as JSON documents in
 * MariaDB, sessions and the page cache's shared tier in Redis, follows in embedded Neo4j. Skips
 * (or fails, when {@code POLYSTORE_REQUIRE} names them) without those services.
 */
class ServicesDemoIT extends DemoContract {

    static Map<String, String> services;

    @BeforeAll
    static void start() throws Exception {
        services = Map.of(
                "DEMO_ACCOUNTS_URL", TestServers.postgresUrl(),
                "DEMO_NOTES_URL", TestServers.mysqlUrl(),
                "DEMO_REDIS_URL", TestServers.redisUrl(),
                "DEMO_GRAPH_URL", "neo4j-embedded:");
        started(Demo.start(DemoTesting.settings("polystore-services.yaml", services), System.out));
    }

    @Test
    void aChangeOnOneNodePurgesThePageOnTheOther() throws Exception {
        Map<String, String> second = new java.util.HashMap<>(services);
        second.put("DEMO_GRAPH_URL", "mem:graph-of-node-b");   // this test reads no follows on node B
        try (Demo nodeB = Demo.start(DemoTesting.settings("polystore-services.yaml", second, null, null, null, 0, "b"), System.out)) {
            String id = createNote(alice, "two nodes, version 1", "text", "", true);
            Browser anonB = new Browser(nodeB.url());
            anonB.get("/notes/" + id);
            Browser.Page hit = anonB.get("/notes/" + id);
            assertThat(hit.header("X-Cache")).isEqualTo("HIT-L1");
            assertThat(hit.body()).contains("two nodes, version 1").contains("<code>b</code>");

            long version = demo.app().notes().findById(id).orElseThrow().version();
            assertThat(alice.submit("/notes/" + id + "/edit", "/notes/" + id, "version", Long.toString(version),
                    "title", "two nodes, version 2", "body", "text", "shared", "on").status()).isEqualTo(303);
            // node A waited until Redis took the purge; node B hears it on the purge channel, and the
            // page cache's invalidation bound (1 s) caps how long it may still serve its copy
            String body = anonB.get("/notes/" + id).body();
            for (int i = 0; i < 200 && body.contains("version 1"); i++) {
                Thread.sleep(50);
                body = anonB.get("/notes/" + id).body();
            }
            assertThat(body).contains("two nodes, version 2");
        }
    }

    @Test
    void theServicesAreTheOnesConfigured() {
        assertThat(demo.app().users().store().describe()).startsWith("jdbc:postgresql:");
        assertThat(demo.app().notes().store().describe()).startsWith("jdbc:mariadb:");
        assertThat(demo.app().sessions().store().describe()).startsWith("redis://");
        assertThat(demo.redis()).isEmpty();
        assertThat(demo.cache().sharedTierConnected()).isTrue();
    }
}
