package io.polystore.keyvalue;

import java.util.Map;

/** The conformance suite on a real Redis with {@code id-set=false}: plain types saved with a bare SET. */
class NoIdSetConformanceIT extends RedisConformanceIT {
    @Override
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-no-id-set", "id-set", "false");
    }
}
