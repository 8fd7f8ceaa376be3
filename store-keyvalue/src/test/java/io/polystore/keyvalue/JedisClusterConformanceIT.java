package io.polystore.keyvalue;

import java.util.Map;

/** The conformance suite on a real 3-primary Redis Cluster through Jedis. */
class JedisClusterConformanceIT extends RedisClusterConformanceIT {
    @Override
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-jedis-cluster", "client", "jedis");
    }
}
