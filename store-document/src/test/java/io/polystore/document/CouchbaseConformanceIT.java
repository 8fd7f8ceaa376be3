package io.polystore.document;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.RepositoryConformanceSuite;
import io.polystore.testkit.TestServers;

import java.util.Map;

/**
 * The conformance suite (with its seeded random operations against the in-memory store) on a real
 * Couchbase Server 7.1 or later: {@code POLYSTORE_COUCHBASE_URL} ({@code couchbase://host/bucket}),
 * {@code POLYSTORE_COUCHBASE_USER} and {@code POLYSTORE_COUCHBASE_PASSWORD}. Without them it is
 * skipped with one printed line: no server can run on the build machines, and CouchbaseMock has
 * no collections and no SQL++ (CouchbaseMockIT covers the key-value API on it).
 */
class CouchbaseConformanceIT extends RepositoryConformanceSuite {
    @Override
    protected Store openStore() {
        String url = TestServers.variable("POLYSTORE_COUCHBASE_URL");
        String user = TestServers.variable("POLYSTORE_COUCHBASE_USER");
        String password = TestServers.variable("POLYSTORE_COUCHBASE_PASSWORD");
        if (url == null || user == null || password == null) {
            TestServers.unavailable(TestServers.COUCHBASE, "set POLYSTORE_COUCHBASE_URL=couchbase://host/bucket,"
                    + " POLYSTORE_COUCHBASE_USER and POLYSTORE_COUCHBASE_PASSWORD to run the suite on a Couchbase Server 7.1+"
                    + " (the key-value API was tested on CouchbaseMock by CouchbaseMockIT)");
        }
        return Polystore.builder().store("cb", url, Map.of("user", user, "password", password,
                "collection-prefix", "conf_", "schema", "create")).build().store("cb");
    }
}
