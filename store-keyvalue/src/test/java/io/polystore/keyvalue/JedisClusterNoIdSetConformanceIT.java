package io.polystore.keyvalue;

import java.util.Map;

/** The conformance suite on a Redis Cluster through Jedis with {@code id-set=false}. */
class JedisClusterNoIdSetConformanceIT extends RedisClusterConformanceIT {
    @Override
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-jedis-cluster-no-id-set", "client", "jedis", "id-set", "false");
    }
}
