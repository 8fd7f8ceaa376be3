package io.polystore.keyvalue;

import java.util.Map;

/** The conformance suite on a real Redis through Jedis with {@code coalesce: false}: each command on a pooled connection. */
class JedisPooledConformanceIT extends RedisConformanceIT {
    @Override
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-jedis-pooled", "client", "jedis", "coalesce", "false");
    }
}
