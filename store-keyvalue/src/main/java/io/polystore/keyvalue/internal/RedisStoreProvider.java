package io.polystore.keyvalue.internal;

import io.polystore.Store;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.util.Set;

/** Opens {@code redis://} and {@code rediss://} stores. */
public final class RedisStoreProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", "redis-cluster");
    }

    @Override
    public Store open(StoreConfig config) {
        if (config.scheme().equals("redis-cluster")) {
            throw config.invalidUri("Redis Cluster is not supported by this version of store-keyvalue yet; "
                    + "use redis:// or rediss:// against a standalone server or a primary");
        }
        return RedisStore.open(config);
    }
}
