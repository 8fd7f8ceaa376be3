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

    /**
     * For framework integrations that read a store's configuration from a file (the Spring Boot
     * starter's {@code spring-data-redis:} URIs): errors about options name the configuration's
     * source and keys.
     *
     * @param config  the store's name, URI and options as configured
     * @param factory the connection factory the URI names, started
     * @return an open store
     * @throws io.polystore.ConfigurationException for a bad option
     */
    public static Store store(io.polystore.spi.StoreConfig config, RedisConnectionFactory factory) {
        return RedisStores.onSpring(config, factory);
    }
}
