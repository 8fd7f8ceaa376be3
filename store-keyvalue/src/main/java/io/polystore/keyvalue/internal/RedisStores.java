package io.polystore.keyvalue.internal;

import io.polystore.Store;
import io.polystore.spi.StoreConfig;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Entry point for {@link io.polystore.keyvalue.SpringDataRedis}. */
public final class RedisStores {
    private RedisStores() {
    }

    /**
     * @param name    the store's name
     * @param factory the application's factory
     * @param options key-prefix, timeout
     * @return the store
     */
    public static Store onSpring(String name, RedisConnectionFactory factory, Map<String, String> options) {
        Objects.requireNonNull(factory, "factory");
        return onSpring(new StoreConfig(name, "spring-data-redis:" + factory.getClass().getSimpleName(), options,
                "SpringDataRedis.store(\"" + name + "\")"), factory);
    }

    /**
     * @param config  the store's configuration, as written (its errors name its source and keys)
     * @param factory the application's factory
     * @return the store
     */
    public static Store onSpring(StoreConfig config, RedisConnectionFactory factory) {
        Objects.requireNonNull(factory, "factory");
        String name = config.name();
        config.requireKnownOptions(Set.of("key-prefix", "timeout"));
        String prefix = RedisStore.prefix(config);
        Duration timeout = config.durationOption("timeout", Duration.ofSeconds(2));
        return RedisStore.on(config, prefix, new SpringRedisOps(factory, new Errors(name, timeout)));
    }
}
