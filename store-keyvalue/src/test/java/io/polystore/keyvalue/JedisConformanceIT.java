package io.polystore.keyvalue;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.Feature;
import io.polystore.testkit.RepositoryConformanceSuite;
import io.polystore.testkit.TestServers;

import java.util.Map;

/** The conformance suite on a real Redis through Jedis. */
class JedisConformanceIT extends RepositoryConformanceSuite {
    @Override
    protected Store openStore() {
        return Polystore.builder().store("kv", TestServers.redisUrl(), Map.of("key-prefix", "conformance-jedis", "client", "jedis"))
                .build().store("kv");
    }

    @Override
    protected Map<Feature, String> unsupported() {
        return new RedisConformanceIT().unsupported();
    }
}
