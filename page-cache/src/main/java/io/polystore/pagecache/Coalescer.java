package io.polystore.pagecache;

import io.polystore.pagecache.internal.Page;
import io.polystore.pagecache.internal.SharedTier;
import jakarta.servlet.http.HttpServletRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One render per cold page: on this node, concurrent misses for a key wait for the one render in
 * progress (a {@link Flight}); across nodes, with {@code cluster-lock}, a Redis lock taken with a
 * lease ({@code lock-ttl}) makes the other nodes wait for the page to reach Redis.
 *
 * <p>The holder releases the lock only once its page is written, so a node that then takes the free
 * lock finds the page instead of rendering it again. When the holder dies, its lease runs out and
 * the next node renders (then at most twice per cluster, and the second render's {@code Cache-Status}
 * says {@code stored} like any miss). Thread-safe.
 */
final class Coalescer {
    private final PageCache c;
    private final PageLookup lookup;
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

    /** One render in progress; concurrent misses for the key wait on it. */
    static final class Flight {
        final CompletableFuture<Page> done = new CompletableFuture<>();
        /** the variant the render stored, for waiters to check they want the same one */
        volatile String variant;
        /** set when a purge concerned the key during the render: its page is not stored */
        volatile boolean purged;
        /** whether this render holds the cluster lock */
        volatile boolean locked;
        /** set when the render served a stale page instead (stale-if-error) */
        volatile boolean servedStale;
        /** set when this render took the cluster lock after another node held it and left no page */
        volatile boolean lockLapsed;
        /** completes when the rendered page's write to Redis finished (null: nothing was written) */
        volatile CompletableFuture<Void> written;
    }

    Coalescer(PageCache c, PageLookup lookup) {
        this.c = c;
        this.lookup = lookup;
    }

    /** @return the flight in progress for the key, or null after registering {@code mine} as it */
    Flight join(String key, Flight mine) {
        return flights.putIfAbsent(key, mine);
    }

    /**
     * The leader is still at it after the coalesce timeout (waiting for another node, or a slow
     * origin): one waiter takes over, the others wait for it, rather than all of them rendering.
     *
     * @return the flight now in progress (null: {@code mine} took over)
     */
    Flight takeOver(String key, Flight leader, Flight mine) {
        flights.remove(key, leader);
        return flights.putIfAbsent(key, mine);
    }

    /** Marks renders in progress for matching keys as purged: what they render is not stored. */
    void forgetFlights(Predicate<String> keyMatches) {
        flights.forEach((k, f) -> {
            if (keyMatches.test(k)) {
                f.purged = true;
            }
        });
    }

    /** @return the leader's page, or null when it had none or did not finish within the coalesce timeout */
    Page await(Flight leader) {
        try {
            return leader.done.get(c.settings.coalesceTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Ends a flight: wakes its waiters with the result and releases the cluster lock, once the page
     * is in Redis, if the flight held it.
     */
    void finish(String key, Flight mine, Page result) {
        flights.remove(key, mine);
        mine.done.complete(result);
        if (mine.locked) {
            String owner = owner();
            String lockKey = lockKey(key);
            CompletableFuture<Void> written = mine.written;
            if (written == null || written.isDone()) {
                c.sharedCall(() -> c.shared.unlock(lockKey, owner));
            } else {
                written.whenCompleteAsync((r, e) -> c.sharedCall(() -> c.shared.unlock(lockKey, owner)), c.background);
            }
        }
    }

    private String lockKey(String key) {
        return c.settings.namespace() + ":l:" + key;
    }

    private String owner() {
        return c.nodeId + ":" + Thread.currentThread().getId();
    }

    /**
     * Takes the cluster render lock; if another node holds it, waits for that node's page to reach
     * Redis. A waiter that finds the lock free either finds the page or renders because there is
     * none to find: the holder's response was not storable, or the holder died and its lease ran
     * out. A slow or failed Redis call while waiting is retried; the waiter renders on its own only
     * when the coalesce timeout has passed.
     *
     * @return the page another node rendered, or null when this node should render
     */
    Page renderedElsewhere(String key, HttpServletRequest req, Flight mine) {
        String lockKey = lockKey(key);
        String owner = owner();
        SharedTier first = c.shared;
        boolean locked;
        try {
            // directly, not through the circuit breaker: on a busy machine the breaker opens on slow calls, and
            // skipping the lock then renders the page on every node; one attempt bounds the cost when Redis is down
            locked = first.tryLock(lockKey, owner, c.settings.lockTtlMillis());
        } catch (RuntimeException e) {
            c.sharedFailure(e);
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(c.settings.coalesceTimeoutMillis());
        long pause = 5;
        boolean waited = !locked;
        while (true) {
            if (locked) {
                mine.locked = true;
                mine.lockLapsed = waited;
                // the node that held the lock may have finished between this node's lookup and now
                long now = System.currentTimeMillis();
                try {
                    Page p = lookup.direct(c.shared, key, req, now);
                    if (p != null && p.isFresh(now)) {
                        mine.variant = Conditional.variantId(p.vary(), req);
                        return p;
                    }
                } catch (RuntimeException e) {
                    c.sharedFailure(e);
                }
                return null;
            }
            if (System.nanoTime() - deadline > 0) {
                return null;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            pause = Math.min(50, pause * 2);
            SharedTier tier = c.shared;
            try {
                long now = System.currentTimeMillis();
                Page p = lookup.direct(tier, key, req, now);
                if (p != null && p.isFresh(now)) {
                    mine.variant = Conditional.variantId(p.vary(), req);
                    return p;
                }
                locked = tier.tryLock(lockKey, owner, c.settings.lockTtlMillis());
            } catch (RuntimeException e) {
                // a slow or failed call while waiting is not a reason to render: try again until the deadline
                c.stats.sharedFailures.increment();
            }
        }
    }
}
