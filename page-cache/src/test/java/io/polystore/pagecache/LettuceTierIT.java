package io.polystore.pagecache;

import io.polystore.testkit.TestServers;

/** The shared tier on Lettuce, standalone Redis. */
class LettuceTierIT extends SharedTierContract {
    @Override
    String redisUri() {
        return TestServers.redisUrl();
    }

    @Override
    String client() {
        return "lettuce";
    }
}
