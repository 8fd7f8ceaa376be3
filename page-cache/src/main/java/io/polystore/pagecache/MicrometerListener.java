package io.polystore.pagecache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the page cache's activity to Micrometer (an optional dependency). A cache built
 * without a listener uses one on {@code Metrics.globalRegistry} when Micrometer is on the
 * classpath; pass {@code new MicrometerListener(registry, name)} to the builder to use another
 * registry. Meters, all tagged {@code cache=<name>}:
 * <ul>
 *   <li>{@code polystore.pagecache.requests} (counter; tag {@code outcome}: hit-l1, hit-l2, stale, miss, bypass)</li>
 *   <li>{@code polystore.pagecache.bypasses} (counter; tag {@code reason})</li>
 *   <li>{@code polystore.pagecache.bytes} (counter of body bytes served from the cache)</li>
 *   <li>{@code polystore.pagecache.render} (timer of handler renders; tag {@code stored})</li>
 *   <li>{@code polystore.pagecache.evictions}, {@code polystore.pagecache.evicted.bytes},
 *       {@code polystore.pagecache.redis.failures}, {@code polystore.pagecache.purges} (tag {@code kind})</li>
 * </ul>
 */
public final class MicrometerListener implements PageCacheListener {
    private final MeterRegistry registry;
    private final String name;
    private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
    private final Map<String, Counter> bypasses = new ConcurrentHashMap<>();
    private final Counter bytes;
    private final Timer renderStored;
    private final Timer renderNotStored;
    private final Counter evictions;
    private final Counter evictedBytes;
    private final Counter failures;

    /** @return a listener on Micrometer's global registry ({@code Metrics.globalRegistry}) */
    static MicrometerListener global(String name) {
        return new MicrometerListener(io.micrometer.core.instrument.Metrics.globalRegistry, name);
    }

    /**
     * @param name tags every meter ({@code cache=<name>})
     * @param registry where the meters go
     */
    public MicrometerListener(MeterRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
        for (Outcome o : Outcome.values()) {
            requests.put(o, Counter.builder("polystore.pagecache.requests").tag("cache", name)
                    .tag("outcome", o.header().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        bytes = Counter.builder("polystore.pagecache.bytes").baseUnit("bytes").tag("cache", name).register(registry);
        renderStored = Timer.builder("polystore.pagecache.render").tag("cache", name).tag("stored", "true").register(registry);
        renderNotStored = Timer.builder("polystore.pagecache.render").tag("cache", name).tag("stored", "false")
                .register(registry);
        evictions = Counter.builder("polystore.pagecache.evictions").tag("cache", name).register(registry);
        evictedBytes = Counter.builder("polystore.pagecache.evicted.bytes").baseUnit("bytes").tag("cache", name)
                .register(registry);
        failures = Counter.builder("polystore.pagecache.redis.failures").tag("cache", name).register(registry);
    }

    @Override
    public void request(Outcome outcome, String detail, long bodyBytes, long nanos) {
        requests.get(outcome).increment();
        if (outcome == Outcome.BYPASS && detail != null) {
            bypasses.computeIfAbsent(detail, d -> Counter.builder("polystore.pagecache.bypasses").tag("cache", name)
                    .tag("reason", d).register(registry)).increment();
        } else if (outcome != Outcome.MISS) {
            bytes.increment(bodyBytes);
        }
    }

    @Override
    public void render(long nanos, boolean stored) {
        (stored ? renderStored : renderNotStored).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void eviction(long evicted) {
        evictions.increment();
        evictedBytes.increment(evicted);
    }

    @Override
    public void sharedTierFailure(Throwable cause) {
        failures.increment();
    }

    @Override
    public void purge(String kind, String target) {
        registry.counter("polystore.pagecache.purges", "cache", name, "kind", kind).increment();
    }
}
