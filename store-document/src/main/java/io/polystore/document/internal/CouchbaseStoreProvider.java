package io.polystore.document.internal;

import io.polystore.Store;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.util.Set;

/** Opens {@code couchbase://host[,host]/bucket} and {@code couchbases://} (TLS) stores. */
public final class CouchbaseStoreProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("couchbase", "couchbases");
    }

    @Override
    public Store open(StoreConfig config) {
        return CouchbaseStore.open(config);
    }

    /**
     * The namespace goes before the collection prefix: collections {@code <namespace>_<prefix><entity>}
     * (key-value entries: {@code <namespace>_<prefix>kv}). With the default collection layout there
     * are no collections to prefix, so the namespace is refused (null).
     */
    @Override
    public StoreConfig inNamespace(StoreConfig config, String namespace) {
        if ("default-collection".equalsIgnoreCase(config.options().getOrDefault("layout", "").replace('_', '-'))) {
            return null;
        }
        return config.withOption("collection-prefix", namespace + "_" + config.options().getOrDefault("collection-prefix", ""));
    }

    /**
     * A store on a cluster the application owns (see {@code io.polystore.document.CouchbaseStores}).
     *
     * @param name    the store's name
     * @param cluster the connected cluster
     * @param bucket  the bucket
     * @param options store options (no credentials: they belong to the cluster)
     * @return the store
     */
    public static Store onCluster(String name, com.couchbase.client.java.Cluster cluster, String bucket,
                                  java.util.Map<String, String> options) {
        StoreConfig config = new StoreConfig(name, "couchbase://application-cluster/" + bucket, options,
                "CouchbaseStores.store(\"" + name + "\", ...)");
        return CouchbaseStore.on(config, cluster, bucket);
    }
}
