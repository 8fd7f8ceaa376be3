package io.polystore.keyvalue.internal;

import io.polystore.Store;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.util.Set;

/** Opens {@code redis://}, {@code rediss://} and {@code redis-cluster://host:port,host:port} stores. */
public final class RedisStoreProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", "redis-cluster");
    }

    @Override
    public Store open(StoreConfig config) {
        return RedisStore.open(config);
    }

    /** The namespace goes before the key prefix: keys {@code {<namespace>:<key-prefix>:<Entity>}:...}. */
    @Override
    public StoreConfig inNamespace(StoreConfig config, String namespace) {
        return config.withOption("key-prefix", namespace + ":" + RedisStore.prefix(config));
    }
}
