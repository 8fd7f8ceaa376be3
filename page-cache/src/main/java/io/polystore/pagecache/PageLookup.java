package io.polystore.pagecache;

import io.polystore.pagecache.internal.Page;
import io.polystore.pagecache.internal.SharedTier;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;

/** Finds the stored page for a request in Redis (and copies what it finds to memory). */
final class PageLookup {
    private final PageCache c;

    PageLookup(PageCache c) {
        this.c = c;
    }

    /** A Redis lookup outside the circuit breaker (its failures are the caller's to handle). */
    Page direct(SharedTier tier, String key, HttpServletRequest req, long now) {
        String rkey = c.redisKey(key);
        byte[][] r = tier.lookup(rkey);
        if (r[0] == null) {
            return null;
        }
        String vary = new String(r[0], StandardCharsets.UTF_8);
        byte[] data = r[1];
        String variant = SharedTier.NO_VARIANT;
        if (!vary.isEmpty()) {
            variant = Conditional.variantId(vary, req);
            data = tier.variant(rkey, variant);
        }
        Page p = Page.decode(data);
        if (p == null || !p.url().equals(key) || p.retainMillis(now) <= 0) {
            return null;
        }
        c.local.put(key, variant, p);
        return p;
    }

    /** A Redis lookup under the circuit breaker: null when the breaker is open or the call failed. */
    Page shared(String key, HttpServletRequest req, long now) {
        Page[] found = {null};
        c.sharedCall(() -> found[0] = direct(c.shared, key, req, now));
        return found[0];
    }

    /**
     * A page in memory that the node may not serve on its own (its lease lapsed): Redis has the
     * last word. A purge deleted the page there, so finding it (or a newer one) there proves it was
     * not purged; not finding it, or not reaching Redis, means render.
     */
    Page confirmedByRedis(String key, HttpServletRequest req, Page inMemory, long now) {
        SharedTier tier = c.shared;
        if (tier == null) {
            return null;
        }
        try {
            Page p = direct(tier, key, req, now);
            return p != null && p.storedAt() >= inMemory.storedAt() ? p : null;
        } catch (RuntimeException e) {
            c.stats.sharedFailures.increment();
            return null;
        }
    }
}
