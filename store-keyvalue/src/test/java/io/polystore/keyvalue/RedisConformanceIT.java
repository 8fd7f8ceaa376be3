package io.polystore.keyvalue;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.Feature;
import io.polystore.testkit.RepositoryConformanceSuite;
import io.polystore.testkit.TestServers;

import java.util.Map;

/** The conformance suite on a real Redis (the service, or a redis-server the testkit starts), through Lettuce. */
class RedisConformanceIT extends RepositoryConformanceSuite {
    @Override
    protected Store openStore() {
        return Polystore.builder().store("kv", TestServers.redisUrl(), storeOptions()).build().store("kv");
    }

    /** @return the store's options; subclasses run the same suite through another client */
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-lettuce", "client", "lettuce");
    }

    @Override
    protected Map<Feature, String> unsupported() {
        return Map.of(
                Feature.QUERY_UNINDEXED, "Redis answers queries from the index structures of @Indexed fields only",
                Feature.NESTED_PATHS, "only top-level @Indexed fields are indexed",
                Feature.COLLECTION_PATHS, "only top-level @Indexed fields are indexed");
    }
}
