package io.polystore.keyvalue;

import io.polystore.Store;
import io.polystore.keyvalue.internal.RedisStores;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import java.util.Map;

/**
 * Builds a Redis store on an application's existing Spring Data Redis {@link RedisConnectionFactory}
 * (Lettuce or Jedis underneath, configured by Spring), so that Polystore shares its connections:
 * <pre>{@code
 * Polystore polystore = Polystore.builder()
 *         .store(SpringDataRedis.store("sessions", connectionFactory, Map.of("key-prefix", "myapp")))
 *         .route(Session.class, "sessions")
 *         .build();
 * }</pre>
 * Options: {@code key-prefix} and {@code timeout} (used in messages; the factory's own timeout
 * applies). Closing the store does not close the factory. Needs {@code spring-data-redis} on the
 * classpath.
 */
public final class SpringDataRedis {
    private SpringDataRedis() {
    }

    /**
     * @param name    the store's name
     * @param factory the application's connection factory, started
     * @param options {@code key-prefix}, {@code timeout}
     * @return an open store
     * @throws io.polystore.ConfigurationException for a bad option
     */
    public static Store store(String name, RedisConnectionFactory factory, Map<String, String> options) {
        return RedisStores.onSpring(name, factory, options);
    }
}
