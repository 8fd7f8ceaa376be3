package io.polystore.pagecache;

import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Nested;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared tier on an application's Spring Data Redis connection factory, standalone Redis,
 * with Lettuce and with Jedis underneath.
 */
class SpringRedisTierIT {
    /** The contract on a factory of {@link #client()}'s kind, destroyed after the nodes. */
    abstract static class OnFactory extends SharedTierContract {
        final List<RedisConnectionFactory> factories = new ArrayList<>();

        @Override
        String redisUri() {
            return TestServers.redisUrl();
        }

        @Override
        PageCache.Builder cacheOn(String uri) {
            return SpringFactories.cacheOn(client(), uri, factories);
        }

        @Override
        void stopRedis() {
            factories.forEach(SpringFactories::destroy);
        }
    }

    @Nested
    class OnLettuce extends OnFactory {
        @Override
        String client() {
            return "spring-lettuce";
        }
    }

    @Nested
    class OnJedis extends OnFactory {
        @Override
        String client() {
            return "spring-jedis";
        }
    }
}
