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

    /** The namespace goes before the database prefix (the URI's path): databases {@code <namespace>_<prefix><entity>}. */
    @Override
    public StoreConfig inNamespace(StoreConfig config, String namespace) {
        String uri = config.uri();
        int authority = uri.indexOf("://");
        int slash = authority < 0 ? -1 : uri.indexOf('/', authority + 3);
        return config.withUri(slash < 0 ? uri + "/" + namespace + "_" : uri.substring(0, slash + 1) + namespace + "_" + uri.substring(slash + 1));
    }
}
