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
}
