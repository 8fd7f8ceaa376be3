package io.polystore.spring;

import io.polystore.Store;
import io.polystore.keyvalue.SpringDataRedis;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import java.util.Set;

/**
 * With Spring Data Redis and {@code store-keyvalue} on the classpath: a store whose URI is
 * {@code spring-data-redis:} (the application's only or primary {@link RedisConnectionFactory}) or
 * {@code spring-data-redis:<bean name>} is a Redis store on that factory, sharing the application's
 * connections and settings ({@code spring.data.redis.*}). Its options are those of
 * {@link SpringDataRedis}: {@code key-prefix}, {@code timeout}. Spring closes the Polystore before
 * the factory.
 */
@AutoConfiguration
@ConditionalOnClass({RedisConnectionFactory.class, SpringDataRedis.class})
public class PolystoreSpringDataRedisAutoConfiguration {

    /**
     * @param beans the application's beans, where the factories are looked up when a store is opened
     * @return the back end of {@code spring-data-redis:} URIs, which the Polystore bean is built with
     */
    @Bean
    public StoreProvider polystoreSpringDataRedisStores(ListableBeanFactory beans) {
        return new StoreProvider() {
            @Override
            public Set<String> schemes() {
                return Set.of(RedisFactoryBeans.SCHEME);
            }

            @Override
            public Store open(StoreConfig config) {
                RedisConnectionFactory factory;
                try {
                    factory = RedisFactoryBeans.resolve(beans, config.uri(), "polystore");
                } catch (IllegalArgumentException e) {
                    throw config.invalidUri(e.getMessage());
                }
                return SpringDataRedis.store(config, factory);
            }
        };
    }
}
