package io.polystore.keyvalue;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.Feature;
import io.polystore.testkit.RepositoryConformanceSuite;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import java.net.URI;
import java.util.Map;

/** The conformance suite through the Spring Data Redis adapter, on a LettuceConnectionFactory the "application" owns. */
class SpringDataRedisConformanceIT extends RepositoryConformanceSuite {
    private LettuceConnectionFactory factory;

    @Override
    protected Store openStore() {
        URI uri = URI.create(TestServers.redisUrl());
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        Store store = SpringDataRedis.store("kv", factory, Map.of("key-prefix", "conformance-spring"));
        return Polystore.builder().store(store).build().store("kv");
    }

    @AfterAll
    void stopFactory() {
        if (factory != null) {
            factory.destroy();
        }
    }

    @Override
    protected Map<Feature, String> unsupported() {
        return new RedisConformanceIT().unsupported();
    }
}
