package io.polystore.demo;

import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app on {@code polystore-services.yaml} with notes in CouchDB ({@code DEMO_NOTES_STORE=couchdb}):
 * the same tests, with the notes' queries (tags, authors, newest first, keyset pages) answered by
 * the CouchDB back end.
 */
class CouchDbNotesDemoIT extends DemoContract {

    @BeforeAll
    static void start() throws Exception {
        String couchdb = TestServers.couchDbUrl();
        String postgres = TestServers.postgresUrl();
        String redis = TestServers.redisUrl();
        started(Demo.start(DemoTesting.settings("polystore-services.yaml", Map.of(
                "DEMO_ACCOUNTS_URL", postgres,
                "DEMO_NOTES_STORE", "couchdb",
                "DEMO_COUCHDB_URL", couchdb + "/polynotes_",
                "DEMO_REDIS_URL", redis,
                "DEMO_GRAPH_URL", "neo4j-embedded:")), System.out));
    }

    @Test
    void notesLiveInCouchDb() {
        assertThat(demo.app().notes().store().describe()).startsWith("couchdb://");
        assertThat(demo.app().users().store().describe()).startsWith("jdbc:postgresql:");
    }
}
