package io.polystore.keyvalue;

import java.util.Map;

/** The conformance suite on a Redis Cluster through Jedis with {@code id-set=true}. */
class JedisClusterIdSetConformanceIT extends RedisClusterConformanceIT {
    @Override
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-jedis-cluster-id-set", "client", "jedis", "id-set", "true");
    }
}
