package io.polystore.keyvalue;

import java.util.Map;

/**
 * The conformance suite on a real Redis with {@code id-set=true}: plain types keep their id set and
 * are saved by a script (the default, {@code false}, runs in {@link RedisConformanceIT}).
 */
class IdSetConformanceIT extends RedisConformanceIT {
    @Override
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-id-set", "id-set", "true");
    }
}
