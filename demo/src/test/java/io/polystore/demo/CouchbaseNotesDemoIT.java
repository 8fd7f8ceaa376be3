package io.polystore.demo;

import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app on {@code polystore-couchbase.yaml}: notes in Couchbase Server 7.1+, the rest as in
 * {@link ServicesDemoIT}. Runs only where {@code POLYSTORE_COUCHBASE_URL}, {@code _USER} and
 * {@code _PASSWORD} name a server (CouchbaseMock has no SQL++, which the notes' pages need); skipped
 * with the reason elsewhere.
 */
class CouchbaseNotesDemoIT extends DemoContract {

    @BeforeAll
    static void start() throws Exception {
        String url = TestServers.variable("POLYSTORE_COUCHBASE_URL");
        String user = TestServers.variable("POLYSTORE_COUCHBASE_USER");
        String password = TestServers.variable("POLYSTORE_COUCHBASE_PASSWORD");
        if (url == null || user == null || password == null) {
            TestServers.unavailable(TestServers.COUCHBASE, "set POLYSTORE_COUCHBASE_URL=couchbase://host/bucket,"
                    + " POLYSTORE_COUCHBASE_USER and POLYSTORE_COUCHBASE_PASSWORD to run the demo with notes in Couchbase");
        }
        started(Demo.start(DemoTesting.settings("polystore-couchbase.yaml", Map.of(
                "DEMO_ACCOUNTS_URL", TestServers.postgresUrl(),
                "DEMO_REDIS_URL", TestServers.redisUrl(),
                "DEMO_GRAPH_URL", "neo4j-embedded:",
                "DEMO_COUCHBASE_URL", url,
                "DEMO_COUCHBASE_USER", user,
                "DEMO_COUCHBASE_PASSWORD", password)), System.out));
    }

    @Test
    void notesLiveInCouchbase() {
        assertThat(demo.app().notes().store().describe()).startsWith("couchbase");
    }
}
