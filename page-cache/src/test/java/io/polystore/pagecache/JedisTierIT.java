package io.polystore.pagecache;

import io.polystore.testkit.TestServers;

/** The shared tier on Jedis, standalone Redis. */
class JedisTierIT extends SharedTierContract {
    @Override
    String redisUri() {
        return TestServers.redisUrl();
    }

    @Override
    String client() {
        return "jedis";
    }
}
