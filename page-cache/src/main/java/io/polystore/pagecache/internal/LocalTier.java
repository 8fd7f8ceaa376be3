package io.polystore.pagecache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * The node-local tier: Caffeine bounded by bytes (a weigher over each URL's pages), each URL kept
 * until its last variant has passed its stale window.
 */
public final class LocalTier {
    /** The most variants kept per URL; beyond it the URL starts again with the new variant. */
    private static final int MAX_VARIANTS = 64;

    /** The pages of one URL: the header names they vary on and one page per variant. */
    public record Entry(String vary, Map<String, Page> variants) {
        int weight() {
            int w = 64;
            for (Page p : variants.values()) {
                w += p.weight();
            }
            return w;
        }

        long retainNanos() {
            long now = System.currentTimeMillis();
            long max = 0;
            for (Page p : variants.values()) {
                max = Math.max(max, p.retainMillis(now));
            }
            return TimeUnit.MILLISECONDS.toNanos(Math.max(1, max));
        }
    }

    private final Cache<String, Entry> cache;

    /**
     * @param maxBytes   the byte budget
     * @param onEviction receives the weight of each page set evicted for size
     */
    public LocalTier(long maxBytes, LongConsumer onEviction) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String k, Entry e) -> e.weight())
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry value, long currentTime) {
                        return value.retainNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
                        return value.retainNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .removalListener((String k, Entry e, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE && e != null) {
                        onEviction.accept(e.weight());
                    }
                })
                .executor(Runnable::run)
                .build();
    }

    /** @return the URL's pages, or null */
    public Entry get(String key) {
        return cache.getIfPresent(key);
    }

    /** Adds or replaces one variant; a change of the Vary names drops the URL's other variants. */
    public void put(String key, String variant, Page page) {
        cache.asMap().compute(key, (k, old) -> {
            if (old == null || !old.vary().equals(page.vary()) || old.variants().size() >= MAX_VARIANTS) {
                return new Entry(page.vary(), Map.of(variant, page));
            }
            Map<String, Page> copy = new HashMap<>(old.variants());
            copy.put(variant, page);
            return new Entry(page.vary(), Map.copyOf(copy));
        });
    }

    public void remove(String key) {
        cache.invalidate(key);
    }

    /** Removes every URL whose key matches. */
    public void removeKeys(Predicate<String> keyMatches) {
        cache.asMap().keySet().removeIf(keyMatches);
    }

    /** Removes every URL with a page carrying the tag. */
    public void removeTagged(String tag) {
        cache.asMap().values().removeIf(e -> {
            for (Page p : e.variants().values()) {
                if (p.tags().contains(tag)) {
                    return true;
                }
            }
            return false;
        });
    }

    public void clear() {
        cache.invalidateAll();
    }

    /** @return the number of URLs held */
    public long size() {
        return cache.estimatedSize();
    }
}
