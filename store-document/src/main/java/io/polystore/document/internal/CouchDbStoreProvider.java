package io.polystore.document.internal;

import io.polystore.Store;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.util.Set;

/** Opens {@code couchdb://host:port/prefix} and {@code couchdbs://} (TLS) stores. */
public final class CouchDbStoreProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("couchdb", "couchdbs");
    }

    @Override
    public Store open(StoreConfig config) {
        return CouchDbStore.open(config);
    }
}
