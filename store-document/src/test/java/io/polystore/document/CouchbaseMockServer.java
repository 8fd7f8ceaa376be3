package io.polystore.document;

import com.couchbase.mock.Bucket;
import com.couchbase.mock.BucketConfiguration;
import com.couchbase.mock.CouchbaseMock;

import java.util.List;
import java.util.Map;

/**
 * CouchbaseMock (the mock Couchbase publishes for its SDK tests) in the test JVM: one bucket on one
 * node, bootstrapped by the carrier (CCCP) protocol that SDK 3 speaks, and authenticated by SASL
 * PLAIN with the bucket's name and password. It serves the key-value API on the default collection
 * only: no collections, no SQL++.
 */
final class CouchbaseMockServer implements AutoCloseable {
    static final String BUCKET = "polystore";
    static final String PASSWORD = "mock-secret";

    private final CouchbaseMock mock;

    private CouchbaseMockServer(CouchbaseMock mock) {
        this.mock = mock;
    }

    static CouchbaseMockServer start() {
        try {
            // SDK 3 bootstraps over the KV connection (CCCP); the mock enables it by a static switch its CLI sets
            java.lang.reflect.Field cccp = CouchbaseMock.class.getDeclaredField("cccpBootstrap");
            cccp.setAccessible(true);
            cccp.set(null, true);
            BucketConfiguration bucket = new BucketConfiguration();
            bucket.name = BUCKET;
            bucket.password = PASSWORD;
            bucket.type = Bucket.BucketType.COUCHBASE;
            bucket.numNodes = 1;
            bucket.numReplicas = 0;
            bucket.numVBuckets = 64;
            bucket.hostname = "127.0.0.1";
            CouchbaseMock mock = new CouchbaseMock(0, List.of(bucket));
            mock.start();
            mock.waitForStartup();
            return new CouchbaseMockServer(mock);
        } catch (Exception e) {
            throw new IllegalStateException("CouchbaseMock did not start: " + e, e);
        }
    }

    /** @return the store URI: the node's KV and HTTP ports, then the bucket */
    String uri() {
        return "couchbase://127.0.0.1:" + mock.getCarrierPort(BUCKET) + "=kv,127.0.0.1:" + mock.getHttpPort() + "=manager/" + BUCKET;
    }

    /** @return the options the mock needs: its bucket credentials, PLAIN, the default collection, no schema work */
    Map<String, String> options() {
        return Map.of("user", BUCKET, "password", PASSWORD, "sasl", "plain", "layout", "default-collection",
                "schema", "none", "timeout", "2s", "connect-timeout", "20s");
    }

    @Override
    public void close() {
        mock.stop();
    }
}
