package io.polystore.keyvalue;

import java.util.Map;

/** The conformance suite on a real Redis through Jedis. */
class JedisConformanceIT extends RedisConformanceIT {
    @Override
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-jedis", "client", "jedis");
    }
}
