package io.polystore.document;

import com.couchbase.client.java.Cluster;
import io.polystore.Store;
import io.polystore.document.internal.CouchbaseStoreProvider;

import java.util.Map;

/**
 * Builds a Couchbase store on a {@link Cluster} the application already has (connected and
 * configured by it, for instance by Spring Boot), so that Polystore shares its connections:
 * <pre>{@code
 * Polystore polystore = Polystore.builder()
 *         .store(CouchbaseStores.store("docs", cluster, "app", Map.of("scope", "polystore")))
 *         .route(Note.class, "docs")
 *         .build();
 * }</pre>
 * Options: those of a {@code couchbase://} store in docs/DOCUMENT.md except {@code user},
 * {@code password}, {@code sasl}, {@code timeout} and {@code connect-timeout}, which belong to the
 * cluster (its environment sets the timeouts). Closing
 * the store does not disconnect the cluster.
 */
public final class CouchbaseStores {
    private CouchbaseStores() {
    }

    /**
     * @param name    the store's name
     * @param cluster the application's connected cluster
     * @param bucket  the bucket to use
     * @param options store options
     * @return an open store
     * @throws io.polystore.ConfigurationException for a bad option
     * @throws io.polystore.StoreUnavailableException if the bucket does not become ready
     */
    public static Store store(String name, Cluster cluster, String bucket, Map<String, String> options) {
        return CouchbaseStoreProvider.onCluster(name, cluster, bucket, options);
    }
}
