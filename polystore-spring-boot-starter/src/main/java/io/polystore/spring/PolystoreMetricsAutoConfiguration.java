package io.polystore.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.polystore.OperationListener;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import java.util.concurrent.TimeUnit;

/**
 * With a Micrometer {@link MeterRegistry} bean: a timer per entity type, store, repository method
 * and outcome, {@code polystore.store.operations{entity, store, operation, outcome}}.
 */
@AutoConfiguration(before = PolystoreAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
public class PolystoreMetricsAutoConfiguration {

    /**
     * @param registry the application's meter registry
     * @return the listener that records the timers
     */
    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    public OperationListener polystoreOperationTimers(MeterRegistry registry) {
        return (entity, store, operation, nanos, failure) -> Timer.builder("polystore.store.operations")
                .description("Polystore repository calls")
                .tag("entity", entity).tag("store", store).tag("operation", operation)
                .tag("outcome", failure == null ? "ok" : "error")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
