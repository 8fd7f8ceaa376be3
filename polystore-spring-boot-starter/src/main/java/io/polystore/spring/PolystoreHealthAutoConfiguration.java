package io.polystore.spring;

import io.polystore.Polystore;
import io.polystore.Store;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A health contributor {@code polystore} with one indicator per store: {@link Store#ping()}, up
 * with the store's URI (password removed), down with the exception when the store does not answer.
 */
@AutoConfiguration(after = PolystoreAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(Polystore.class)
public class PolystoreHealthAutoConfiguration {

    /**
     * @param polystore the Polystore
     * @return its stores' health
     */
    @Bean
    @ConditionalOnMissingBean(name = "polystoreHealthContributor")
    public HealthContributor polystoreHealthContributor(Polystore polystore) {
        Map<String, HealthIndicator> stores = new LinkedHashMap<>();
        for (String name : polystore.storeNames()) {
            Store store = polystore.store(name);
            stores.put(name, () -> {
                try {
                    store.ping();
                    return Health.up().withDetail("uri", store.describe()).build();
                } catch (RuntimeException e) {
                    return Health.down(e).withDetail("uri", store.describe()).build();
                }
            });
        }
        return CompositeHealthContributor.fromMap(stores);
    }
}
