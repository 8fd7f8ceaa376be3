package io.polystore.document;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.RepositoryConformanceSuite;
import io.polystore.testkit.TestServers;

import java.util.Map;

/**
 * The conformance suite, with its seeded random operations against the in-memory store, on the
 * CouchDB API: a pouchdb-server the tests start (installed with npm on first use), or the CouchDB
 * {@code POLYSTORE_COUCHDB_URL} names (with {@code POLYSTORE_COUCHDB_USER} and
 * {@code POLYSTORE_COUCHDB_PASSWORD}).
 */
class CouchDbConformanceIT extends RepositoryConformanceSuite {
    @Override
    protected Store openStore() {
        return Polystore.builder().store("couch", TestServers.couchDbUrl() + "/conformance_", CouchDbStores.options())
                .build().store("couch");
    }

    /** Options for the test server: its credentials when configured. */
    static final class CouchDbStores {
        private CouchDbStores() {
        }

        static Map<String, String> options() {
            String user = TestServers.variable("POLYSTORE_COUCHDB_USER");
            String password = TestServers.variable("POLYSTORE_COUCHDB_PASSWORD");
            return user == null ? Map.of() : Map.of("user", user, "password", password == null ? "" : password);
        }
    }
}
