package io.polystore.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.polystore.OperationListener;

import java.util.concurrent.TimeUnit;

/** Times every repository call: {@code polystore.store.operations{entity, store, operation, outcome}}. */
final class OperationTimers implements OperationListener {
    private final MeterRegistry registry;

    OperationTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void completed(String entity, String store, String operation, long nanos, Throwable failure) {
        Timer.builder("polystore.store.operations").description("Repository calls")
                .tag("entity", entity).tag("store", store).tag("operation", operation).tag("outcome", failure == null ? "ok" : "error")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
